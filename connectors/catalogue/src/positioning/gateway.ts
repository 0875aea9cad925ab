import { createHash, randomUUID } from 'node:crypto';
import type { Bus, Replies } from '@passerelle/bus';
import type {
  Actor,
  DePersonalData,
  ListingChannel,
  ModalityKind,
  PositioningRequested,
  PositioningWithdrawn,
  SourceSystem,
} from '@passerelle/schemas';
import { ProblemError } from '@passerelle/service-kit';
import type { Requester } from '../http/auth.js';
import type { CatalogueTopics } from '../topics.js';
import { type Decision, decisionOf, REQUEST_PREFIX } from './decision.js';
import type { SelfRegistration, SelfRegistrations } from './self-registrations.js';

export interface SelfRegistrationRequest {
  channel: ListingChannel;
  sessionKey: string;
  modalityKind: ModalityKind;
  modalityId: string | null;
  de: DePersonalData;
  /** The DE himself (his identifier is `de.deIdentifier`, from his token) or the adviser positioning him. */
  requester: Requester;
  /** What the adviser states with an AUDEF positioning (domain.md G24); null for a DE's own. */
  prescription: AdviserStatement | null;
}

/** The prescription content an adviser gives with an AUDEF positioning, minus what his token tells. */
export interface AdviserStatement {
  advisorId: string | null;
  projectValidated: boolean;
  eligibilityChecks: string[];
  fundingHint: number | null;
  comment: string | null;
}

/** Who a request's events name as their actor and source: the DE on his channel, or the adviser in AUDEF. */
function actorOf(
  requester: Requester | null,
  channel: ListingChannel | string,
): { actor: Actor; sourceSystem: SourceSystem } {
  const sourceSystem: SourceSystem = channel === 'TMF' ? 'TMF' : channel === 'AUDEF' ? 'AUDEF' : 'MA_FORMATION';
  const channelOf = channel as Actor['channel'];
  if (requester?.kind === 'PRESCRIBER')
    return {
      actor: {
        kind: 'PRESCRIBER',
        siret: null,
        organisationName: requester.organisation,
        prescriberNetwork: requester.network,
        channel: channelOf,
      },
      sourceSystem,
    };
  return {
    actor: { kind: 'DE', siret: null, organisationName: null, prescriberNetwork: null, channel: channelOf },
    sourceSystem,
  };
}

/**
 * The request id of a self-registration retried with an `Idempotency-Key`: the same key on the same journey (DE and
 * session) always gives the same id, and two DEs' keys never meet. UUID-shaped, so it is a request id like any other.
 */
export function idempotentRequestId(journeyId: string, idempotencyKey: string): string {
  const hex = createHash('sha256')
    .update(JSON.stringify([journeyId, idempotencyKey]), 'utf8')
    .digest('hex');
  return `${REQUEST_PREFIX}${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A DE's self-registration: published as a PositioningRequested (origin CHANNEL) keyed by session, so Kairos's
 * single writer of that session decides; then the decision is awaited by request id (`bus.replies`) for a while.
 */
export class SelfRegistrationGateway {
  readonly #bus: Bus;
  readonly #topics: CatalogueTopics;
  readonly #replies: Replies;
  readonly #registrations: SelfRegistrations;
  readonly #journeyIdOf: (deIdentifier: string, sessionKey: string) => string;
  readonly #clock: () => Date;
  /** Publications under way by request id, so two concurrent retries of one request publish it once here. */
  readonly #publishing = new Map<string, Promise<void>>();

  constructor(options: {
    bus: Bus;
    topics: CatalogueTopics;
    registrations: SelfRegistrations;
    journeyIdOf: (deIdentifier: string, sessionKey: string) => string;
    clock: () => Date;
  }) {
    this.#bus = options.bus;
    this.#topics = options.topics;
    this.#registrations = options.registrations;
    this.#journeyIdOf = options.journeyIdOf;
    this.#clock = options.clock;
    this.#replies = options.bus.replies({
      name: 'catalogue.positioning-decisions',
      topics: [options.topics.sessionEvents],
      correlate: (event) => decisionOf(event.record, event.value)?.requestId,
    });
  }

  /** Whether the self-registrations made before this instance started are known (see SelfRegistrations.ready). */
  get ready(): boolean {
    return this.#registrations.ready;
  }

  journeyIdOf(deIdentifier: string, sessionKey: string) {
    return this.#journeyIdOf(deIdentifier, sessionKey);
  }

  /**
   * Publishes the request and waits up to `timeoutMs` for Kairos's decision (null: still pending). With an
   * idempotency key, a request already known (published by an earlier attempt, here or on another instance) is
   * answered as it stands, without publishing; one not known yet is published under the same request id and event
   * id, which Kairos answers once (a duplicate of a request it answered gets no second answer).
   */
  async register(
    request: SelfRegistrationRequest,
    timeoutMs: number,
    idempotencyKey?: string,
  ): Promise<{ registration: SelfRegistration; decision: Decision | null }> {
    const journeyId = this.#journeyIdOf(request.de.deIdentifier, request.sessionKey);
    // An adviser's key is his structure's: two agencies' keys on one DE's journey never name one request.
    const scopedKey =
      idempotencyKey !== undefined && request.requester.kind === 'PRESCRIBER'
        ? `${request.requester.organisation}|${idempotencyKey}`
        : idempotencyKey;
    const requestId =
      scopedKey === undefined ? `${REQUEST_PREFIX}${randomUUID()}` : idempotentRequestId(journeyId, scopedKey);
    // A retry's request may have been published a moment ago by another instance: read up to now before deciding.
    const known = idempotencyKey === undefined ? undefined : await this.find(requestId);
    if (known) return this.#answer(sameRequest(known, request), timeoutMs);

    let publishing = this.#publishing.get(requestId);
    if (!publishing) {
      publishing = this.#publishRequest(request, requestId, journeyId).finally(() =>
        this.#publishing.delete(requestId),
      );
      this.#publishing.set(requestId, publishing);
    }
    await publishing;
    return this.#answer(sameRequest(this.#registrations.get(requestId) as SelfRegistration, request), timeoutMs);
  }

  async #publishRequest(request: SelfRegistrationRequest, requestId: string, journeyId: string) {
    const now = this.#clock();
    const { requester, prescription } = request;
    const event: PositioningRequested = {
      envelope: {
        eventId: `catalogue:${requestId}`,
        occurredAt: now,
        recordedAt: now,
        ...actorOf(requester, request.channel),
        correlationId: journeyId,
        causationId: null,
      },
      requestId,
      journeyId,
      origin: requester.kind === 'PRESCRIBER' ? 'PRESCRIBER' : 'CHANNEL',
      channel: request.channel,
      target: { sessionKey: request.sessionKey, modalityKind: request.modalityKind, modalityId: request.modalityId },
      de: request.de,
      prescription:
        requester.kind === 'PRESCRIBER' && prescription
          ? {
              // The request id is the prescription's reference: AUDEF has no other one to give Kairos.
              prescriptionId: requestId,
              network: requester.network,
              organisation: requester.organisation,
              ...prescription,
            }
          : null,
    };
    await this.#bus.publish([
      {
        topic: this.#topics.positioning,
        key: request.sessionKey,
        record: 'fr.passerelle.positioning.PositioningRequested',
        value: event,
      },
    ]);
    this.#registrations.recordRequest(event);
  }

  /** The registration with Kairos's decision, waited for up to `timeoutMs` if there is none yet. */
  async #answer(
    registration: SelfRegistration,
    timeoutMs: number,
  ): Promise<{ registration: SelfRegistration; decision: Decision | null }> {
    if (registration.decision === null) {
      const answer = await this.#replies.wait(registration.requestId, timeoutMs);
      const decided = answer ? decisionOf(answer.record, answer.value) : undefined;
      if (decided) this.#registrations.recordDecision(registration.requestId, decided.decision);
    }
    return { registration, decision: registration.decision };
  }

  /** Publishes the DE's withdrawal of his request (Kairos cancels the registration or candidature it created). */
  async withdraw(registration: SelfRegistration): Promise<SelfRegistration> {
    const now = this.#clock();
    const withdrawal: PositioningWithdrawn = {
      envelope: {
        eventId: `catalogue:${registration.requestId}:withdrawn`,
        occurredAt: now,
        recordedAt: now,
        ...actorOf(registration.prescriber && { kind: 'PRESCRIBER', ...registration.prescriber }, registration.channel),
        correlationId: registration.journeyId,
        causationId: `catalogue:${registration.requestId}`,
      },
      requestId: registration.requestId,
      journeyId: registration.journeyId,
      sessionKey: registration.target.sessionKey,
      reason: registration.prescriber
        ? 'Prescription retirée par le conseiller depuis AUDEF'
        : `Annulé par le demandeur depuis ${registration.channel === 'TMF' ? 'Trouver ma formation' : 'Ma Formation'}`,
    };
    await this.#bus.publish([
      {
        topic: this.#topics.positioning,
        key: registration.target.sessionKey,
        record: 'fr.passerelle.positioning.PositioningWithdrawn',
        value: withdrawal,
      },
    ]);
    this.#registrations.recordWithdrawal(withdrawal);
    return registration;
  }

  /** The steps of the request's journey recorded so far (see SelfRegistrations.journeySteps). */
  journeySteps(registration: SelfRegistration) {
    return this.#registrations.journeySteps(registration.journeyId);
  }

  /** A request and its decision as known now (also one answered while this instance was down: the read model). */
  async find(requestId: string): Promise<SelfRegistration | undefined> {
    const registration = await this.#registrations.afterReading(() => this.#registrations.get(requestId));
    const answer = registration && registration.decision === null ? this.#replies.get(requestId) : undefined;
    const decided = answer ? decisionOf(answer.record, answer.value) : undefined;
    if (decided) this.#registrations.recordDecision(requestId, decided.decision);
    return registration;
  }
}

/**
 * An idempotency key names one request: reused on the same session for another modality or channel, it is a
 * client's mistake, told as such rather than answered with a registration the DE did not ask for.
 */
function sameRequest(known: SelfRegistration, request: SelfRegistrationRequest): SelfRegistration {
  const same =
    known.channel === request.channel &&
    known.target.modalityKind === request.modalityKind &&
    known.target.modalityId === request.modalityId;
  if (!same)
    throw new ProblemError({
      type: 'urn:passerelle:problem:idempotency-key-reused',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'This Idempotency-Key was used for another request on this session: use a new key for a new request.',
      errors: [{ field: 'headers.idempotency-key', message: 'already used for another request on this session' }],
    });
  return known;
}
