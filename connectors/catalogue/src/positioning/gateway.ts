import { randomUUID } from 'node:crypto';
import type { Bus, Replies } from '@passerelle/bus';
import type {
  DePersonalData,
  ListingChannel,
  ModalityKind,
  PositioningRequested,
  PositioningWithdrawn,
} from '@passerelle/schemas';
import type { CatalogueTopics } from '../topics.js';
import { type Decision, decisionOf, REQUEST_PREFIX } from './decision.js';
import type { SelfRegistration, SelfRegistrations } from './self-registrations.js';

export interface SelfRegistrationRequest {
  channel: ListingChannel;
  sessionKey: string;
  modalityKind: ModalityKind;
  modalityId: string | null;
  de: DePersonalData;
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

  journeyIdOf(deIdentifier: string, sessionKey: string) {
    return this.#journeyIdOf(deIdentifier, sessionKey);
  }

  /** Publishes the request and waits up to `timeoutMs` for Kairos's decision (null: still pending). */
  async register(
    request: SelfRegistrationRequest,
    timeoutMs: number,
  ): Promise<{ registration: SelfRegistration; decision: Decision | null }> {
    const requestId = `${REQUEST_PREFIX}${randomUUID()}`;
    const now = this.#clock();
    const journeyId = this.#journeyIdOf(request.de.deIdentifier, request.sessionKey);
    const event: PositioningRequested = {
      envelope: {
        eventId: `catalogue:${requestId}`,
        occurredAt: now,
        recordedAt: now,
        actor: { kind: 'DE', siret: null, organisationName: null, prescriberNetwork: null, channel: request.channel },
        sourceSystem: request.channel === 'TMF' ? 'TMF' : 'MA_FORMATION',
        correlationId: journeyId,
        causationId: null,
      },
      requestId,
      journeyId,
      origin: 'CHANNEL',
      channel: request.channel,
      target: { sessionKey: request.sessionKey, modalityKind: request.modalityKind, modalityId: request.modalityId },
      de: request.de,
      prescription: null,
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
    const answer = await this.#replies.wait(requestId, timeoutMs);
    const decided = answer ? decisionOf(answer.record, answer.value) : undefined;
    if (decided) this.#registrations.recordDecision(requestId, decided.decision);
    return {
      registration: this.#registrations.get(requestId) as SelfRegistration,
      decision: decided?.decision ?? null,
    };
  }

  /** Publishes the DE's withdrawal of his request (Kairos cancels the registration or candidature it created). */
  async withdraw(registration: SelfRegistration): Promise<SelfRegistration> {
    const now = this.#clock();
    const withdrawal: PositioningWithdrawn = {
      envelope: {
        eventId: `catalogue:${registration.requestId}:withdrawn`,
        occurredAt: now,
        recordedAt: now,
        actor: {
          kind: 'DE',
          siret: null,
          organisationName: null,
          prescriberNetwork: null,
          channel: registration.channel,
        },
        sourceSystem: registration.channel === 'TMF' ? 'TMF' : 'MA_FORMATION',
        correlationId: registration.journeyId,
        causationId: `catalogue:${registration.requestId}`,
      },
      requestId: registration.requestId,
      journeyId: registration.journeyId,
      sessionKey: registration.target.sessionKey,
      reason: `Annulé par le demandeur depuis ${registration.channel === 'TMF' ? 'Trouver ma formation' : 'Ma Formation'}`,
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

  /** A request and its decision as known now (also one answered while this instance was down: the read model). */
  find(requestId: string): SelfRegistration | undefined {
    const registration = this.#registrations.get(requestId);
    const answer = registration && registration.decision === null ? this.#replies.get(requestId) : undefined;
    const decided = answer ? decisionOf(answer.record, answer.value) : undefined;
    if (decided) this.#registrations.recordDecision(requestId, decided.decision);
    return registration;
  }
}
