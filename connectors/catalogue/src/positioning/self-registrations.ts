import type { Bus, ConsumedEvent, Follower } from '@passerelle/bus';
import type {
  Channel,
  InvitationIssued,
  PositioningRequested,
  PositioningTarget,
  PositioningWithdrawn,
  PrescriberNetwork,
} from '@passerelle/schemas';
import type { CatalogueTopics } from '../topics.js';
import { type Decision, decisionOf, REQUEST_PREFIX } from './decision.js';
import { type JourneyStep, journeyStepOf } from './journey-steps.js';

/**
 * A positioning made through the catalogue — a DE's self-registration (TMF, Ma Formation) or an adviser's
 * prescription from AUDEF — as the catalogue keeps it: enough to check ownership, answer a poll, print the letter.
 */
export interface SelfRegistration {
  requestId: string;
  channel: Channel;
  target: PositioningTarget;
  /** HMAC of the DE identifier and the session key: ownership is checked against it, the identifier is not kept. */
  journeyId: string;
  /** For the letter's salutation only (personal data: in memory, never logged). */
  de: { firstName: string; lastName: string };
  requestedAt: Date;
  decision: Decision | null;
  /** Set once the DE withdrew it (PositioningWithdrawn): Kairos cancels what the request created. */
  withdrawnAt: Date | null;
  /** The prescriber structure that made it (AUDEF), null for a DE's own: only that structure may read it. */
  prescriber: { network: PrescriberNetwork; organisation: string } | null;
  /** The latest invitation letter Kairos issued for the registration it created (annex 7.2); null until then. */
  invitation: Invitation | null;
}

/** What the DE's convocation says: where and when, what to bring; version > 1 once the appointment moved. */
export interface Invitation {
  version: number;
  /** "Convocation", or "Convocation mise à jour" after a reschedule (4.1.3.2). */
  label: string;
  date: string;
  time: string;
  endTime: string | null;
  place: string | null;
  remoteLink: string | null;
  whatToBring: string;
  issuedAt: Date;
}

const invitationOf = (event: InvitationIssued): Invitation => ({
  version: event.version,
  label: event.version > 1 ? 'Convocation mise à jour' : 'Convocation',
  date: event.date,
  time: event.time,
  endTime: event.endTime,
  place: event.place,
  remoteLink: event.remoteLink,
  whatToBring: event.whatToBring,
  issuedAt: event.envelope.occurredAt,
});

/**
 * The DEs' self-registrations and Kairos's answers, read from the beginning of `positioning.requests` and
 * `kairos.session-events` by every instance, so a DE can poll or fetch his letter from any of them, also after a
 * restart. Only the catalogue's own requests are kept (their ids are in its namespace), so answers to prescribers'
 * requests cost nothing; an answer read before its request (two topics are not ordered together) waits for it.
 */
export class SelfRegistrations {
  readonly #requests = new Map<string, SelfRegistration>();
  readonly #earlyAnswers = new Map<string, Decision>();
  /**
   * The steps of the journeys positioned through the catalogue, by journey id. A journey is known as one of ours
   * from its decision on, which Kairos publishes before any step on the same session's partition — so no step is
   * missed even when its request (another topic) is read later — and steps of other journeys are not kept.
   */
  readonly #journeys = new Map<string, JourneyStep[]>();
  /** Registrations Kairos created for the catalogue's requests (registrationId → requestId): their letters are ours. */
  readonly #registrationRequests = new Map<string, string>();
  /** Letters read before their request (requestId → latest letter). */
  readonly #earlyInvitations = new Map<string, Invitation>();
  #caughtUp = false;
  #follower: Follower | undefined;

  follow(bus: Bus, topics: CatalogueTopics) {
    const follower = bus.follow({
      name: 'catalogue.self-registrations',
      topics: [topics.positioning, topics.sessionEvents],
      fromBeginning: true,
      onEvent: (event) => this.apply(event),
    });
    void follower.caughtUp().then(() => {
      this.#caughtUp = true;
    });
    this.#follower = follower;
    return follower;
  }

  /**
   * Read-your-writes: what `lookup` finds once this instance has read every request published so far, so a request
   * id another instance handed out a moment ago is found here too.
   */
  async afterReading<T>(lookup: () => T | undefined): Promise<T | undefined> {
    return this.#follower ? this.#follower.find(lookup) : lookup();
  }

  /**
   * False until everything published before start was read: a poll would not find a request made before a restart,
   * and a retried POST would not find the request its Idempotency-Key names.
   */
  get ready(): boolean {
    return this.#caughtUp;
  }

  apply(event: ConsumedEvent) {
    if (event.record === 'fr.passerelle.positioning.PositioningRequested' && event.value !== null) {
      this.recordRequest(event.value as PositioningRequested);
      return;
    }
    if (event.record === 'fr.passerelle.positioning.PositioningWithdrawn' && event.value !== null) {
      this.recordWithdrawal(event.value as PositioningWithdrawn);
      return;
    }
    if (event.record === 'fr.passerelle.kairos.InvitationIssued' && event.value !== null) {
      this.recordInvitation(event.value as InvitationIssued);
      return;
    }
    const answer = decisionOf(event.record, event.value);
    if (answer) {
      this.recordDecision(answer.requestId, answer.decision);
      const journeyId = (event.value as { journeyId?: unknown }).journeyId;
      if (typeof journeyId === 'string' && !this.#journeys.has(journeyId)) this.#journeys.set(journeyId, []);
    }
    const step = journeyStepOf(event.record, event.value);
    if (step) this.#journeys.get(step.journeyId)?.push(step.step);
  }

  /** The steps recorded so far on a journey positioned through the catalogue. */
  journeySteps(journeyId: string): readonly JourneyStep[] {
    return this.#journeys.get(journeyId) ?? [];
  }

  /** Kairos's letters come after the registration they belong to (same partition): others' cost one lookup. */
  recordInvitation(event: InvitationIssued) {
    const requestId = this.#registrationRequests.get(event.registrationId);
    if (requestId === undefined) return;
    const letter = invitationOf(event);
    const request = this.#requests.get(requestId);
    const current = request ? request.invitation : this.#earlyInvitations.get(requestId);
    // A redelivered older letter never replaces a newer one.
    if (current && current.version >= letter.version) return;
    if (request) request.invitation = letter;
    else this.#earlyInvitations.set(requestId, letter);
  }

  /** The first answer counts (Kairos gives one; a redelivery changes nothing). */
  recordDecision(requestId: string, decision: Decision) {
    if (decision.outcome === 'REGISTERED') this.#registrationRequests.set(decision.registrationId, requestId);
    const request = this.#requests.get(requestId);
    if (!request) {
      if (!this.#earlyAnswers.has(requestId)) this.#earlyAnswers.set(requestId, decision);
      return;
    }
    if (request.decision === null) request.decision = decision;
  }

  /** Also called by the instance that published the withdrawal. */
  recordWithdrawal(withdrawal: PositioningWithdrawn) {
    const request = this.#requests.get(withdrawal.requestId);
    if (request && request.withdrawnAt === null) request.withdrawnAt = withdrawal.envelope.occurredAt;
  }

  get(requestId: string): SelfRegistration | undefined {
    return this.#requests.get(requestId);
  }

  /** Also called by the instance that published the request, so a poll right after finds it. */
  recordRequest(request: PositioningRequested) {
    const fromCatalogue =
      request.origin === 'CHANNEL' || (request.origin === 'PRESCRIBER' && request.prescription !== null);
    if (!fromCatalogue || !request.requestId.startsWith(REQUEST_PREFIX)) return;
    if (this.#requests.has(request.requestId)) return;
    const early = this.#earlyAnswers.get(request.requestId) ?? null;
    this.#earlyAnswers.delete(request.requestId);
    const invitation = this.#earlyInvitations.get(request.requestId) ?? null;
    this.#earlyInvitations.delete(request.requestId);
    this.#requests.set(request.requestId, {
      requestId: request.requestId,
      channel: request.channel,
      target: request.target,
      journeyId: request.journeyId,
      de: { firstName: request.de.firstName, lastName: request.de.lastName },
      requestedAt: request.envelope.occurredAt,
      decision: early,
      withdrawnAt: null,
      prescriber:
        request.origin === 'PRESCRIBER' && request.prescription
          ? { network: request.prescription.network, organisation: request.prescription.organisation }
          : null,
      invitation,
    });
  }
}
