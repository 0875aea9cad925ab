import type { Actor } from '@passerelle/schemas';
import { evolveSession, type SessionEvent, type SessionJourneys } from '../src/journey/session.js';

export const SESSION_KEY = '14_AF_0000011111|14_SE_0000102222|SE_0000102222';
export const JOURNEY = 'a'.repeat(64);
export const SIRET = '19020050100038';
export const DELIVERING = '19020050100046';
export const DE = {
  deIdentifier: '7654321Z',
  lastName: 'Durand',
  firstName: 'Alix',
  email: 'alix@example.org',
  phone: null,
};

export const OF: Actor = {
  kind: 'OF',
  siret: SIRET,
  organisationName: 'GRETA',
  prescriberNetwork: null,
  channel: 'KAIROS',
};
export const PRESCRIBER: Actor = {
  kind: 'PRESCRIBER',
  siret: '13000548100010',
  organisationName: 'Mission Locale Nantes',
  prescriberNetwork: 'MISSION_LOCALE',
  channel: 'OUIFORM',
};
const SYSTEM: Actor = { kind: 'SYSTEM', siret: null, organisationName: null, prescriberNetwork: null, channel: null };

/**
 * Writes the events of one session as its topics would carry them (records, envelopes, personal data included),
 * one minute apart by default, for the pure model's tests.
 */
export class Script {
  readonly events: SessionEvent[] = [];
  at = Date.parse('2026-03-02T09:00:00Z');
  #n = 0;

  constructor(readonly journeyId = JOURNEY) {}

  /** Moves the clock of the next events. */
  on(iso: string): this {
    this.at = Date.parse(iso);
    return this;
  }

  #envelope(actor: Actor, eventId?: string) {
    this.at += 60_000;
    const id = eventId ?? `evt-${this.journeyId.slice(0, 4)}-${this.#n++}`;
    return {
      eventId: id,
      occurredAt: new Date(this.at),
      recordedAt: new Date(this.at + 500),
      actor,
      sourceSystem: 'KAIROS',
      correlationId: this.journeyId,
      causationId: null,
    };
  }

  /** A kairos.session-events trainee event. */
  kairos(record: string, body: Record<string, unknown>, options: { eventId?: string; actor?: Actor } = {}): this {
    this.events.push({
      key: SESSION_KEY,
      record: `fr.passerelle.kairos.${record}`,
      value: {
        envelope: this.#envelope(options.actor ?? OF, options.eventId),
        sessionKey: SESSION_KEY,
        journeyId: this.journeyId,
        siret: SIRET,
        deliveringSiret: null,
        ...body,
      },
    });
    return this;
  }

  requested(requestId: string, modalityId: string | null = 'ICO-1'): this {
    this.events.push({
      key: SESSION_KEY,
      record: 'fr.passerelle.positioning.PositioningRequested',
      value: {
        envelope: this.#envelope(PRESCRIBER),
        requestId,
        journeyId: this.journeyId,
        origin: 'PRESCRIBER',
        channel: 'OUIFORM',
        target: { sessionKey: SESSION_KEY, modalityKind: 'ICO', modalityId },
        de: DE,
        prescription: null,
      },
    });
    return this;
  }

  withdrawn(requestId: string): this {
    this.events.push({
      key: SESSION_KEY,
      record: 'fr.passerelle.positioning.PositioningWithdrawn',
      value: {
        envelope: this.#envelope(PRESCRIBER),
        requestId,
        journeyId: this.journeyId,
        sessionKey: SESSION_KEY,
        reason: null,
      },
    });
    return this;
  }

  registered(registrationId: string, requestId: string | null = null, modalityId = 'ICO-1'): this {
    return this.kairos('RegistrationRecorded', {
      registrationId,
      modalityId,
      modalityKind: 'ICO',
      requestId,
      de: DE,
      status: 'INSCRIT',
      sourceLabel: 'Inscrit',
    });
  }

  offer(
    start: string | null,
    end: string | null,
    entryExitMode: 'FIXED_DATES' | 'PERMANENT' = 'FIXED_DATES',
    timeZone: string | null = null,
  ): this {
    this.events.push({
      key: SESSION_KEY,
      record: 'fr.passerelle.offer.SessionPublished',
      value: {
        envelope: this.#envelope(SYSTEM),
        sessionKey: SESSION_KEY,
        session: {
          formation: { responsibleOrganisation: { siret: SIRET } },
          action: { entryExitMode, deliveringOrganisations: [{ siret: DELIVERING, name: null }] },
          session: { start, end, timeZone },
        },
      },
    });
    return this;
  }

  appointment(modalityId: string, date: string, startTime: string | null, endTime: string | null): this {
    this.events.push({
      key: SESSION_KEY,
      record: 'fr.passerelle.kairos.RecruitmentModalityScheduled',
      value: {
        envelope: this.#envelope(OF),
        sessionKey: SESSION_KEY,
        modality: { modalityId, kind: 'ICO', date, startTime, endTime, capacity: 10 },
      },
    });
    return this;
  }

  review(iso: string): this {
    this.events.push({
      key: SESSION_KEY,
      record: 'fr.passerelle.journey.VigilanceReviewRequested',
      value: { envelope: this.#envelope(SYSTEM), sessionKey: SESSION_KEY, at: new Date(iso) },
    });
    return this;
  }

  erased(journeyId = this.journeyId): this {
    this.events.push({
      key: SESSION_KEY,
      record: 'fr.passerelle.journey.JourneyErased',
      value: { envelope: this.#envelope(SYSTEM), sessionKey: SESSION_KEY, journeyId, erasureId: 'E-1' },
    });
    return this;
  }

  /** The session's state after every event so far, in order. */
  state(events: readonly SessionEvent[] = this.events): SessionJourneys {
    return events.reduce<SessionJourneys | undefined>(evolveSession, undefined) as SessionJourneys;
  }

  journey(journeyId = this.journeyId) {
    const entry = this.state().journeys.get(journeyId);
    if (!entry) throw new Error(`no journey ${journeyId}`);
    return entry;
  }
}
