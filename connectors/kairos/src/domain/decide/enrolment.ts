import { type Lifecycle, mayRecord, STATUS_LABELS } from '@passerelle/schemas';
import { type Emission, type SessionEventName, traineeFields } from '../emit.js';
import type { EnrolmentState, SessionAggregate } from '../state.js';
import { overlaps, sessionClock, withinPartial } from '../time.js';
import {
  type ActContext,
  type ActOf,
  type Decided,
  enrolmentOf,
  invalidTransition,
  journeyIdOf,
  openEnrolment,
  openForRecruitment,
  personalData,
  refuse,
  requireSessionNotEnded,
  requireTrainingPlace,
  requireTransition,
} from './guards.js';
import { requireValidatedQuote } from './quote.js';

function proposeDirectly(state: SessionAggregate, act: ActOf<'enrolment.propose'>, context: ActContext): Decided {
  openForRecruitment(state);
  requireSessionNotEnded(state, context.now);
  requireTrainingPlace(state);
  const journeyId = journeyIdOf(context, act.de, state.sessionKey);
  const enrolmentId = openEnrolment(state, journeyId, personalData(act.de), 'DIRECT_PROPOSAL', null, context);
  return { status: 201, result: { enrolmentId, journeyId } };
}

type EnrolmentAct = ActOf<
  | 'enrolment.propose'
  | 'enrolment.entry'
  | 'enrolment.correct-entry'
  | 'enrolment.absence-at-entry'
  | 'enrolment.interruption'
  | 'enrolment.end-interruption'
  | 'enrolment.attendance'
  | 'enrolment.abandon'
  | 'enrolment.exit'
  | 'enrolment.report'
  | 'enrolment.cancel'
>;

/**
 * What every act on an existing enrolment reads: the enrolment (404 when unknown), the fields its events carry, the
 * session's dates, and the guards they share. Which status an act may start from is the lifecycle table's
 * (`requireStatus` reads it for the record the act emits); the dates and periods around it are checked here.
 */
class OnEnrolment {
  readonly state: SessionAggregate;
  readonly enrolment: EnrolmentState;
  readonly fields: ReturnType<typeof traineeFields> & { enrolmentId: string };
  readonly emission: Emission;
  readonly today: string;
  readonly sessionStart: string | null;
  readonly sessionEnd: string | null;
  readonly lifecycle: Lifecycle;

  constructor(state: SessionAggregate, enrolmentId: string, context: ActContext) {
    this.state = state;
    this.enrolment = enrolmentOf(state, enrolmentId);
    this.fields = { ...traineeFields(state, this.enrolment.journeyId), enrolmentId: this.enrolment.enrolmentId };
    this.emission = context.emission;
    this.today = sessionClock(state, context.now).date;
    this.sessionStart = state.session?.start ?? null;
    this.sessionEnd = state.session?.end ?? null;
    this.lifecycle = context.lifecycle;
  }

  requireStatus(record: SessionEventName, what: string): void {
    requireTransition(this.lifecycle, record, this.enrolment.status, 'The enrolment', what);
  }

  requireInSession(date: string, field: string): void {
    if (!withinPartial(date, this.sessionStart, this.sessionEnd))
      refuse(422, 'DATE_OUTSIDE_SESSION', 'The date must fall within the session.', field);
  }

  requireNotFuture(date: string, field: string): void {
    if (date > this.today)
      refuse(422, 'DATE_IN_FUTURE', 'Only what has happened is recorded: the date is in the future.', field);
  }

  requireAfterEntry(date: string, field: string): void {
    if (this.enrolment.entryDate !== null && date < this.enrolment.entryDate)
      refuse(422, 'DATE_BEFORE_ENTRY', 'The date is before the entry in training.', field);
  }

  result(status: string, extra: Record<string, unknown> = {}): Decided {
    return { result: { enrolmentId: this.enrolment.enrolmentId, status, ...extra } };
  }
}

function recordEntry(on: OnEnrolment, act: ActOf<'enrolment.entry'>): Decided {
  // E2: the actual entry date, within the session; irreversible except by an explicit correction.
  on.requireStatus('fr.passerelle.kairos.EntryRecorded', 'recording the entry');
  on.requireInSession(act.entryDate, 'entryDate');
  on.requireNotFuture(act.entryDate, 'entryDate');
  requireValidatedQuote(on.state, on.enrolment.journeyId);
  on.emission.emit(
    'fr.passerelle.kairos.EntryRecorded',
    {
      ...on.fields,
      entryDate: act.entryDate,
      status: 'ENTRE_EN_FORMATION',
      sourceLabel: STATUS_LABELS.ENTRE_EN_FORMATION,
    },
    on.enrolment.journeyId,
  );
  return on.result('ENTRE_EN_FORMATION', { entryDate: act.entryDate });
}

function correctEntry(on: OnEnrolment, act: ActOf<'enrolment.correct-entry'>): Decided {
  if (on.enrolment.entryDate === null)
    return invalidTransition('The enrolment', on.enrolment.status, 'correcting the entry');
  on.requireStatus('fr.passerelle.kairos.EntryCorrected', 'correcting the entry');
  on.requireInSession(act.entryDate, 'entryDate');
  on.requireNotFuture(act.entryDate, 'entryDate');
  const firstEvent = [
    ...on.enrolment.interruptions.map((i) => i.start),
    ...on.enrolment.attendance.map((a) => a.from),
  ].sort()[0];
  if (firstEvent !== undefined && act.entryDate > firstEvent)
    refuse(
      422,
      'DATE_AFTER_RECORDED_PERIODS',
      'Interruptions or attendance are recorded before this date.',
      'entryDate',
    );
  on.emission.emit(
    'fr.passerelle.kairos.EntryCorrected',
    { ...on.fields, previousEntryDate: on.enrolment.entryDate, entryDate: act.entryDate, reason: act.reason },
    on.enrolment.journeyId,
  );
  return on.result(on.enrolment.status, { entryDate: act.entryDate, previousEntryDate: on.enrolment.entryDate });
}

function recordAbsenceAtEntry(on: OnEnrolment): Decided {
  on.requireStatus('fr.passerelle.kairos.AbsenceAtEntryRecorded', 'recording an absence at entry');
  // E3: on or after the session start.
  if (on.sessionStart !== null && on.today.slice(0, on.sessionStart.length) < on.sessionStart)
    refuse(409, 'SESSION_NOT_STARTED', 'An absence at entry is recorded once the session has started.');
  on.emission.emit(
    'fr.passerelle.kairos.AbsenceAtEntryRecorded',
    { ...on.fields, status: 'ABSENT_A_L_ENTREE', sourceLabel: STATUS_LABELS.ABSENT_A_L_ENTREE },
    on.enrolment.journeyId,
  );
  return on.result('ABSENT_A_L_ENTREE');
}

function startInterruption(on: OnEnrolment, act: ActOf<'enrolment.interruption'>): Decided {
  // E4 / G15: inside [entry, session end], no overlap with another interruption.
  on.requireStatus('fr.passerelle.kairos.InterruptionStarted', 'recording an interruption');
  if (act.start > act.end) refuse(422, 'INVALID_PERIOD', 'The interruption ends before it starts.', 'end');
  on.requireAfterEntry(act.start, 'start');
  on.requireInSession(act.start, 'start');
  on.requireInSession(act.end, 'end');
  for (const other of on.enrolment.interruptions) {
    const otherEnd = other.end ?? other.plannedEnd ?? '9999-12-31';
    if (overlaps({ start: act.start, end: act.end }, { start: other.start, end: otherEnd }))
      refuse(409, 'INTERRUPTION_OVERLAP', `It overlaps the interruption from ${other.start} to ${otherEnd}.`, 'start');
  }
  const interruptionId = `INT-${on.enrolment.interruptions.length + 1}`;
  on.emission.emit(
    'fr.passerelle.kairos.InterruptionStarted',
    {
      ...on.fields,
      interruptionId,
      start: act.start,
      plannedEnd: act.end,
      reason: act.reason ?? null,
      status: 'EN_INTERRUPTION',
      sourceLabel: STATUS_LABELS.EN_INTERRUPTION,
    },
    on.enrolment.journeyId,
  );
  return on.result('EN_INTERRUPTION', { interruptionId });
}

function endInterruption(on: OnEnrolment, act: ActOf<'enrolment.end-interruption'>): Decided {
  const interruption = on.enrolment.interruptions.find((candidate) => candidate.interruptionId === act.interruptionId);
  if (!interruption) return refuse(404, 'UNKNOWN_INTERRUPTION', 'No such interruption.', 'interruptionId');
  if (
    interruption.end !== null ||
    !mayRecord(on.lifecycle, 'fr.passerelle.kairos.InterruptionEnded', on.enrolment.status, { actor: 'OF' })
  )
    return invalidTransition('The interruption', 'ended', 'ending it');
  if (act.end < interruption.start) refuse(422, 'INVALID_PERIOD', 'The interruption ends before it starts.', 'end');
  on.requireInSession(act.end, 'end');
  on.emission.emit(
    'fr.passerelle.kairos.InterruptionEnded',
    {
      ...on.fields,
      interruptionId: interruption.interruptionId,
      end: act.end,
      status: 'ENTRE_EN_FORMATION',
      sourceLabel: STATUS_LABELS.ENTRE_EN_FORMATION,
    },
    on.enrolment.journeyId,
  );
  return on.result('ENTRE_EN_FORMATION', { interruptionId: interruption.interruptionId });
}

function recordAttendance(on: OnEnrolment, act: ActOf<'enrolment.attendance'>): Decided {
  // Attendance is a stream of periods on an entered trainee (§c.3), not a state.
  on.requireStatus('fr.passerelle.kairos.AttendancePeriodRecorded', 'recording attendance');
  if (act.from > act.to) refuse(422, 'INVALID_PERIOD', 'The period ends before it starts.', 'to');
  on.requireAfterEntry(act.from, 'from');
  on.requireInSession(act.to, 'to');
  on.requireNotFuture(act.to, 'to');
  on.emission.emit(
    'fr.passerelle.kairos.AttendancePeriodRecorded',
    { ...on.fields, from: act.from, to: act.to, presentHours: act.presentHours, absentHours: act.absentHours },
    on.enrolment.journeyId,
  );
  return on.result(on.enrolment.status);
}

function recordAbandon(on: OnEnrolment, act: ActOf<'enrolment.abandon'>): Decided {
  on.requireStatus('fr.passerelle.kairos.AbandonRecorded', 'recording an abandon');
  on.requireAfterEntry(act.date, 'date');
  on.requireNotFuture(act.date, 'date');
  on.emission.emit(
    'fr.passerelle.kairos.AbandonRecorded',
    {
      ...on.fields,
      date: act.date,
      reason: act.reason ?? null,
      status: 'ABANDON',
      sourceLabel: STATUS_LABELS.ABANDON,
    },
    on.enrolment.journeyId,
  );
  return on.result('ABANDON');
}

function recordExit(on: OnEnrolment, act: ActOf<'enrolment.exit'>): Decided {
  // E6: the exit date cannot be after the planned end of the session.
  on.requireStatus('fr.passerelle.kairos.ExitRecorded', 'recording the exit');
  on.requireAfterEntry(act.date, 'date');
  on.requireInSession(act.date, 'date');
  on.requireNotFuture(act.date, 'date');
  on.emission.emit(
    'fr.passerelle.kairos.ExitRecorded',
    { ...on.fields, date: act.date, reason: act.reason, status: 'SORTI', sourceLabel: STATUS_LABELS.SORTI },
    on.enrolment.journeyId,
  );
  return on.result('SORTI');
}

function recordReport(on: OnEnrolment, act: ActOf<'enrolment.report'>): Decided {
  on.requireStatus('fr.passerelle.kairos.EndOfTrainingReportRecorded', 'recording the end-of-training report');
  if (on.enrolment.reportRecorded)
    refuse(409, 'REPORT_ALREADY_RECORDED', 'The end-of-training report is already recorded.');
  on.emission.emit(
    'fr.passerelle.kairos.EndOfTrainingReportRecorded',
    {
      ...on.fields,
      completion: act.completion,
      completionRate: act.completionRate ?? null,
      summary: act.summary ?? null,
    },
    on.enrolment.journeyId,
  );
  return on.result(on.enrolment.status, { reportRecorded: true });
}

function cancelEnrolment(on: OnEnrolment, act: ActOf<'enrolment.cancel'>): Decided {
  on.requireStatus('fr.passerelle.kairos.EnrolmentCancelled', 'cancelling the enrolment');
  on.emission.emit(
    'fr.passerelle.kairos.EnrolmentCancelled',
    { ...on.fields, reason: act.reason ?? null, status: 'ANNULE', sourceLabel: STATUS_LABELS.ANNULE },
    on.enrolment.journeyId,
  );
  return on.result('ANNULE');
}

type OnEnrolmentAct = Exclude<EnrolmentAct['type'], 'enrolment.propose'>;

/** One decision per act on an existing enrolment. */
const ACTS: { [Type in OnEnrolmentAct]: (on: OnEnrolment, act: ActOf<Type>) => Decided } = {
  'enrolment.entry': recordEntry,
  'enrolment.correct-entry': correctEntry,
  'enrolment.absence-at-entry': recordAbsenceAtEntry,
  'enrolment.interruption': startInterruption,
  'enrolment.end-interruption': endInterruption,
  'enrolment.attendance': recordAttendance,
  'enrolment.abandon': recordAbandon,
  'enrolment.exit': recordExit,
  'enrolment.report': recordReport,
  'enrolment.cancel': cancelEnrolment,
};

/**
 * The decider of enrolment in training (domain.md §c.3), from the proposal or the retained result that opens it to
 * the end-of-training report.
 */
export function decideEnrolmentAct(state: SessionAggregate, act: EnrolmentAct, context: ActContext): Decided {
  if (act.type === 'enrolment.propose') return proposeDirectly(state, act, context);
  const decideOne = ACTS[act.type] as (on: OnEnrolment, act: EnrolmentAct) => Decided;
  return decideOne(new OnEnrolment(state, act.enrolmentId, context), act);
}
