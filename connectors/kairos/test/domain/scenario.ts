import {
  journeyIdFor,
  type OfferSession,
  type PositioningRequested,
  type PositioningWithdrawn,
  type RecordTypes,
} from '@passerelle/schemas';
import { offerSession } from '@passerelle/schemas/fixtures';
import type { Act, Rejection } from '../../src/domain/commands.js';
import { type Decision, decide } from '../../src/domain/decide/index.js';
import type { DomainEvent } from '../../src/domain/emit.js';
import { evolve } from '../../src/domain/evolve.js';
import { decidePositioning, decideSessionWithdrawn, decideWithdrawal } from '../../src/domain/positioning.js';
import { modalityCounters, type SessionAggregate } from '../../src/domain/state.js';

export const SESSION_KEY = offerSession.sessionKey;
export const RESPONSIBLE = offerSession.formation.responsibleOrganisation.siret;
export const DELIVERING = offerSession.action.deliveringOrganisations[0]?.siret ?? '';
export const OTHER_OF = '11111111100011';
export const SECRET = 'unit-test-journey-secret';

/** A session starting 2027-01-11 and ending 2027-06-30 with 3 training places; "now" is 2026-12-01 11:00 in Paris. */
export const session: OfferSession = {
  ...offerSession,
  session: { ...offerSession.session, start: '2027-01-11', end: '2027-06-30', capacity: 3, recruitmentState: 'OPEN' },
};

export const at = (parisLocal: string) => new Date(`${parisLocal}+01:00`);

let counter = 0;
export const de = (n: number) => ({
  deIdentifier: `${String(1000000 + n).slice(0, 7)}A`,
  lastName: `Nom${n}`,
  firstName: `Prénom${n}`,
  email: null,
  phone: null,
});
export const journeyOf = (n: number) => journeyIdFor(SECRET, de(n).deIdentifier, SESSION_KEY);

/**
 * Given / when / then over the pure core: acts are decided on the current state and, when accepted, folded in with
 * `evolve` exactly as the runtime does; every event applied is kept, so a test can also refold them from scratch.
 */
export class Scenario {
  state: SessionAggregate | undefined;
  now = at('2026-12-01T11:00:00');
  sirets: readonly string[] = [RESPONSIBLE];
  /** Set while a France Travail adviser acts (the AIF quote decision) instead of the OF. */
  adviser: { name: string } | undefined;
  readonly history: { key: string; record: string; value: unknown }[] = [];

  constructor(offer: OfferSession = session) {
    this.fold('fr.passerelle.offer.SessionPublished', {
      envelope: envelope('sofi:1'),
      sessionKey: SESSION_KEY,
      session: offer,
    });
  }

  /** The state, which a scenario always has once the session is published. */
  get current(): SessionAggregate {
    if (!this.state) throw new Error('no state');
    return this.state;
  }

  counters(modalityId: string) {
    return modalityCounters(this.current, modalityId);
  }

  fold(record: string, value: unknown) {
    this.history.push({ key: SESSION_KEY, record, value });
    this.state = evolve(this.state, { key: SESSION_KEY, record, value });
  }

  apply(events: readonly DomainEvent[]) {
    for (const event of events) this.fold(event.record, event.value);
  }

  decide(act: Act, commandId = `cmd-${++counter}`): Decision {
    const decision = decide(
      this.state,
      {
        commandId,
        sessionKey: SESSION_KEY,
        actorSirets: this.sirets,
        act,
        ...(this.adviser ? { adviser: this.adviser } : {}),
      },
      { now: this.now, journeyIdOf: (id, key) => journeyIdFor(SECRET, id, key) },
    );
    if ('events' in decision) this.apply(decision.events);
    return decision;
  }

  /** Decides an act that must be accepted; returns its events and result. */
  accept(act: Act) {
    const decision = this.decide(act);
    if ('rejection' in decision) throw new Error(`refused: ${JSON.stringify(decision.rejection)}`);
    return decision;
  }

  /** Decides an act that must be refused; checks the state did not change. */
  refuse(act: Act): Rejection {
    const before = this.state;
    const decision = this.decide(act);
    if (!('rejection' in decision)) throw new Error(`accepted: ${decision.events.map((e) => e.record).join(', ')}`);
    if (this.state !== before) throw new Error('a refused act changed the state');
    return decision.rejection;
  }

  position(n: number, target: Partial<PositioningRequested['target']> = {}, requestId = `req-${n}`) {
    const request: PositioningRequested = {
      envelope: envelope(`ouiform:${requestId}`),
      requestId,
      journeyId: journeyOf(n),
      origin: 'PRESCRIBER',
      channel: 'OUIFORM',
      target: { sessionKey: SESSION_KEY, modalityKind: 'ICO', modalityId: null, ...target },
      de: de(n),
      prescription: null,
    };
    const events = decidePositioning(this.state, request, this.now);
    this.apply(events);
    return events;
  }

  withdraw(requestId: string) {
    const withdrawal: PositioningWithdrawn = {
      envelope: envelope(`ouiform:withdraw:${requestId}`),
      requestId,
      journeyId: 'j',
      sessionKey: SESSION_KEY,
      reason: null,
    };
    const events = decideWithdrawal(this.state, withdrawal, this.now);
    this.apply(events);
    return events;
  }

  withdrawSession() {
    const value: RecordTypes['fr.passerelle.offer.SessionWithdrawn'] = {
      envelope: envelope('sofi:withdrawn'),
      sessionKey: SESSION_KEY,
      reason: 'ABSENT_FROM_EXPORT',
      lastKnown: session,
    };
    const events = decideSessionWithdrawn(this.state, value, this.now);
    this.apply(events);
    this.fold('fr.passerelle.offer.SessionWithdrawn', value);
    return events;
  }

  /** Schedules an ICO on `date` at 09:30 with `capacity` places; returns its id. */
  ico(capacity = 2, date = '2026-12-10'): string {
    const decision = this.accept({
      type: 'modality.schedule',
      kind: 'ICO',
      date,
      startTime: '09:30',
      endTime: '11:30',
      place: 'Nantes',
      capacity,
    });
    return decision.result.modalityId as string;
  }

  window(capacity = 2, receptionStart = '2026-11-20', receptionEnd = '2026-12-20'): string {
    return this.accept({
      type: 'modality.schedule',
      kind: 'CANDIDATURE_WINDOW',
      receptionStart,
      receptionEnd,
      capacity,
    }).result.modalityId as string;
  }

  register(modalityId: string, n: number): string {
    return this.accept({ type: 'registration.register', modalityId, de: de(n) }).result.registrationId as string;
  }

  /** A registration taken to PRESENT (the clock moves past the appointment). */
  present(n: number, modalityId = this.ico(5)): string {
    const registrationId = this.register(modalityId, n);
    this.now = at('2026-12-15T12:00:00');
    this.accept({ type: 'registration.presence', registrationId, presence: 'PRESENT' });
    return registrationId;
  }

  /** An enrolment taken to ENTRE_EN_FORMATION on 2027-01-11 (clock in February 2027). */
  entered(n: number): string {
    const enrolmentId = this.accept({ type: 'enrolment.propose', de: de(n) }).result.enrolmentId as string;
    this.now = at('2027-02-01T10:00:00');
    this.accept({ type: 'enrolment.entry', enrolmentId, entryDate: '2027-01-11' });
    return enrolmentId;
  }
}

export const records = (decision: Decision | readonly DomainEvent[]) =>
  ('events' in decision ? decision.events : 'rejection' in decision ? [] : decision).map((event) =>
    event.record.split('.').at(-1),
  );

function envelope(eventId: string) {
  return {
    eventId,
    occurredAt: new Date('2026-11-01T00:00:00Z'),
    recordedAt: new Date('2026-11-01T00:00:00Z'),
    actor: { kind: 'SYSTEM' as const, siret: null, organisationName: null, prescriberNetwork: null, channel: null },
    sourceSystem: 'PASSERELLE' as const,
    correlationId: SESSION_KEY,
    causationId: null,
  };
}
