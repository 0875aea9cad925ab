import { LIFECYCLE, type Lifecycle, mayRecord, STATUS_LABELS } from '@passerelle/schemas';
import { plannedExit, waitlistExpiry } from '@passerelle/schemas/deadlines';
import { type DomainEvent, Emission, traineeFields } from './emit.js';
import { KAIROS_SYSTEM } from './positioning.js';
import type { SessionAggregate } from './state.js';

/**
 * The act type of a time trigger on kairos.commands: the deadline sweep asks the single writer of a session to
 * record what fell due by `at`. Not an OF act — no route sends it, and it carries no SIRET.
 */
export const DEADLINES_ACT = 'system.deadlines';

export interface DeadlinesTrigger {
  /** ISO instant the sweep saw the deadlines due at: the decision's clock. */
  at: string;
}

const WAITLIST = 'fr.passerelle.kairos.WaitlistDecisionRecorded';
const EXIT = 'fr.passerelle.kairos.ExitRecorded';

/**
 * The acts the system records by itself when time passes, decided by the session's single writer like any act, so
 * an OF act racing the trigger is decided before or after it, never beside it:
 * - G11: at the start of a fixed-dates session, every DE still on its waiting list is refused
 *   (`REFUSE_APRES_ATTENTE`, reason `SESSION_STARTED`). Only a list standing at the start expires: a DE waitlisted
 *   after it (the OF recording results on the first day) stays for the OF to decide. Never on permanent entries.
 * - G16: once a session's planned end date is over, every trainee still in training (entered, or in an
 *   interruption) exits on that date (`ExitRecorded`, `END_OF_TRAINING`), unless an earlier exit or abandon was
 *   recorded — those are no longer in training.
 * Idempotent by construction: what it records moves its subjects out of the statuses it acts on, so a replayed or
 * duplicate trigger finds nothing left to record. Pure: the same state, instant and origin give the same events.
 */
export function decideDeadlines(
  state: SessionAggregate | undefined,
  at: Date,
  origin: string,
  lifecycle: Lifecycle = LIFECYCLE,
): DomainEvent[] {
  const session = state?.session;
  if (!state || !session) return [];
  const emission = new Emission({ origin, now: at, actor: KAIROS_SYSTEM, sourceSystem: 'KAIROS', causationId: null });
  const now = at.getTime();

  const expiry = waitlistExpiry({
    start: session.start,
    permanentEntry: session.entryExitMode === 'PERMANENT',
    timeZone: session.timeZone,
  });
  if (expiry !== null && now >= expiry)
    for (const registration of state.registrations.values()) {
      const waitlistedAt = registration.waitlistedAt?.getTime();
      if (
        waitlistedAt === undefined ||
        waitlistedAt >= expiry ||
        !mayRecord(lifecycle, WAITLIST, registration.status, { to: 'REFUSE_APRES_ATTENTE', actor: 'SYSTEM' })
      )
        continue;
      emission.emit(
        WAITLIST,
        {
          ...traineeFields(state, registration.journeyId),
          registrationId: registration.registrationId,
          decision: 'REFUSE_APRES_ATTENTE',
          reason: 'SESSION_STARTED',
          status: 'REFUSE_APRES_ATTENTE',
          sourceLabel: STATUS_LABELS.REFUSE_APRES_ATTENTE,
        },
        registration.journeyId,
      );
    }

  const exit = plannedExit(session.end, session.timeZone);
  if (exit !== null && now >= exit.at)
    for (const enrolment of state.enrolments.values()) {
      if (!mayRecord(lifecycle, EXIT, enrolment.status, { to: 'SORTI', actor: 'SYSTEM' })) continue;
      emission.emit(
        EXIT,
        {
          ...traineeFields(state, enrolment.journeyId),
          enrolmentId: enrolment.enrolmentId,
          date: exit.date,
          reason: 'END_OF_TRAINING',
          status: 'SORTI',
          sourceLabel: STATUS_LABELS.SORTI,
        },
        enrolment.journeyId,
      );
    }
  return emission.events;
}

/** Whether a trigger at `at` would record something on the session (what the sweep looks for). */
export const deadlinesDue = (state: SessionAggregate, at: Date): boolean =>
  decideDeadlines(state, at, 'probe').length > 0;
