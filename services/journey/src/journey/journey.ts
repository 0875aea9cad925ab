import { type Actor, type EnrolmentOrigin, type JourneyStatus, STATUS_LABELS } from '@passerelle/schemas';
import { parisDate } from './calendar.js';
import type { FactSource, JourneyFact } from './facts.js';

/** The parts of a journey (domain.md §c.0): a positioning request, and the three nested aggregates of Kairos. */
export type SubjectKind = 'POSITIONING' | 'REGISTRATION' | 'CANDIDATURE' | 'ENROLMENT';

/**
 * - IMPOSSIBLE_TRANSITION: the state machine of §c does not allow the event from the subject's current status;
 *   the event is kept in the timeline, the status does not move.
 * - UNKNOWN_SUBJECT: the event names a registration, candidature, enrolment or request this journey never saw.
 * - RULE_VIOLATION: the transition exists but a guard of §c is broken (entry outside the session, an enrolment
 *   without a retained result…); the event is applied — Kairos recorded it — and flagged.
 * - OUT_OF_ORDER: the event arrived after one of the same source that occurred later (a replay, a late
 *   producer); it takes its place in business order and is flagged.
 */
export type AnomalyCode = 'IMPOSSIBLE_TRANSITION' | 'UNKNOWN_SUBJECT' | 'RULE_VIOLATION' | 'OUT_OF_ORDER';

/** What the journey needs to know of its session (from offer.sessions.v1). */
export interface SessionFacts {
  /** LHEO dates, possibly partial (YYYY-MM, YYYY); null when unknown. */
  start: string | null;
  end: string | null;
  /** LHEO entrées/sorties permanentes: a DE may enter at any time between start and end. */
  permanentEntry: boolean;
  /** Responsible and delivering organisations. */
  sirets: readonly string[];
}

/** A registration, candidature, enrolment or positioning request of the journey, and what it came from. */
export interface JourneyPart {
  kind: SubjectKind;
  id: string;
  status: JourneyStatus;
  sourceLabel: string;
  /** When the current status was reached (occurred-at, ms). */
  since: number;
  /** The id it came from: the request a registration answers, the registration a transfer or an enrolment came from. */
  from: string | null;
  modalityId: string | null;
  /** Position in the fold: the latest created part leads the journey. */
  order: number;
  /** Timeline index of the step that created it, and of the last that changed its status. */
  createdStep: number;
  changedStep: number;
  /** Requests: answered by a registration or a candidature (then that part leads). */
  answered: boolean;
  /** Requests known only from an answer so far (the request itself not seen yet). */
  implied: boolean;
  interview: { date: string; time: string | null } | null;
  entryDate: string | null;
  /** Paris date the enrolment was opened. */
  openedOn: string | null;
  origin: EnrolmentOrigin | null;
  reportRecorded: boolean;
}

export interface TimelineStep {
  eventId: string;
  record: string;
  subjectKind: SubjectKind;
  subjectId: string;
  /** The status the event gave its subject; null when it changes none (an interview fixed, attendance…). */
  status: JourneyStatus | null;
  sourceLabel: string | null;
  actor: Actor;
  occurredAt: number;
  recordedAt: number;
  anomaly: AnomalyCode | null;
  anomalyDetail: string | null;
}

export interface JourneyView {
  journeyId: string;
  sessionKey: string;
  status: JourneyStatus;
  sourceLabel: string;
  statusSince: number | null;
  /** SIRETs named by the journey's events (responsible and delivering OF). */
  eventSirets: string[];
  registrationId: string | null;
  candidatureId: string | null;
  enrolmentId: string | null;
  parts: JourneyPart[];
  timeline: TimelineStep[];
  anomalies: string[];
  lastEventId: string;
}

/** Statuses after which a part waits for nothing more (§c diagrams' final states; RETENU hands over). */
export const TERMINAL: ReadonlySet<JourneyStatus> = new Set<JourneyStatus>([
  'REFUSE',
  'RETIRE',
  'RDV_ANNULE',
  'TRANSFERE',
  'ABSENT',
  'RETENU',
  'NON_RETENU',
  'REFUSE_APRES_ATTENTE',
  'REFUS_CANDIDAT',
  'SANS_SUITE',
  'ABSENT_ENTRETIEN',
  'ABSENT_A_L_ENTREE',
  'ABANDON',
  'SORTI',
  'ANNULE',
]);

const SOURCE_RANK = { positioning: 0, kairos: 1 } as const;

/**
 * How far an event may occur before one its source published earlier and still count as in order: the clocks of
 * the instances that take turns writing a partition differ by a little, and a source's own order wins over them.
 */
export const CLOCK_SKEW_MS = 30_000;

/**
 * When each fact takes place in the journey: within a source, its own order (time never goes back), except for
 * a fact that occurred clearly before one its source delivered earlier — a replay, a late producer — which goes
 * back to when it occurred and is flagged late.
 */
function placeInTime(facts: readonly JourneyFact[]): { at: Map<string, number>; late: Set<string> } {
  const at = new Map<string, number>();
  const late = new Set<string>();
  for (const source of ['positioning', 'kairos'] as const) {
    let latest = Number.NEGATIVE_INFINITY;
    for (const fact of facts.filter((f) => f.source === source).sort((a, b) => a.seq - b.seq)) {
      if (fact.occurredAt < latest - CLOCK_SKEW_MS) {
        late.add(fact.eventId);
        at.set(fact.eventId, fact.occurredAt);
        continue;
      }
      latest = Math.max(latest, fact.occurredAt);
      at.set(fact.eventId, latest);
    }
  }
  return { at, late };
}

const within = (date: string, start: string | null, end: string | null) =>
  (start === null || date.slice(0, start.length) >= start) && (end === null || date.slice(0, end.length) <= end);

class Anomaly {
  constructor(
    readonly code: AnomalyCode,
    readonly detail: string,
  ) {}
}

interface Outcome {
  subjectKind: SubjectKind;
  subjectId: string;
  status: JourneyStatus | null;
  sourceLabel: string | null;
  anomaly?: Anomaly;
}

interface Placement {
  at: number;
  rank: number;
  seq: number;
}

const after = (a: Placement, b: Placement) => a.at - b.at || a.rank - b.rank || a.seq - b.seq;

/**
 * The state machines of domain.md §c over one journey's facts, applied in business order. Usually a new fact comes
 * last in that order and is applied on a copy of the fold (`extended`); one that belongs earlier — another topic
 * lagging, a replay — makes the journey fold again from all its facts, so the result never depends on arrival.
 */
export class JourneyFold {
  readonly parts = new Map<string, JourneyPart>();
  readonly timeline: TimelineStep[] = [];
  readonly eventSirets = new Set<string>();
  /** A transfer names the registration it creates before that registration's own event. */
  readonly transferredFrom = new Map<string, string>();
  /** Per source, the latest time placed so far (a source's own order wins over small clock differences). */
  readonly latest = new Map<FactSource, number>();
  order = 0;
  last: Placement | undefined;

  /** Folds every fact of a journey, in business order: a pure function of the set of facts and the session. */
  static of(facts: readonly JourneyFact[], session: SessionFacts | undefined): JourneyFold {
    const { at: placed, late } = placeInTime(facts);
    const fold = new JourneyFold();
    for (const fact of facts)
      if (fact.record === 'RegistrationTransferred')
        fold.transferredFrom.set(fact.body.newRegistrationId, fact.body.registrationId);
    const placement = (fact: JourneyFact): Placement => ({
      at: placed.get(fact.eventId) ?? fact.occurredAt,
      rank: SOURCE_RANK[fact.source],
      seq: fact.seq,
    });
    const ordered = [...facts].sort((a, b) => after(placement(a), placement(b)));
    for (const fact of facts)
      fold.latest.set(
        fact.source,
        Math.max(fold.latest.get(fact.source) ?? Number.NEGATIVE_INFINITY, placed.get(fact.eventId) ?? fact.occurredAt),
      );
    for (const fact of ordered) fold.#apply(fact, late.has(fact.eventId), session);
    fold.last = ordered.length === 0 ? undefined : placement(ordered[ordered.length - 1] as JourneyFact);
    return fold;
  }

  /** This fold with one more fact, or undefined when the fact does not come last (then fold again from all). */
  extended(fact: JourneyFact, session: SessionFacts | undefined): JourneyFold | undefined {
    const latest = this.latest.get(fact.source) ?? Number.NEGATIVE_INFINITY;
    if (fact.occurredAt < latest - CLOCK_SKEW_MS) return undefined;
    const placement = { at: Math.max(latest, fact.occurredAt), rank: SOURCE_RANK[fact.source], seq: fact.seq };
    if (this.last && after(placement, this.last) < 0) return undefined;
    const next = this.#copy();
    if (fact.record === 'RegistrationTransferred')
      next.transferredFrom.set(fact.body.newRegistrationId, fact.body.registrationId);
    next.latest.set(fact.source, placement.at);
    next.#apply(fact, false, session);
    next.last = placement;
    return next;
  }

  #copy(): JourneyFold {
    const copy = new JourneyFold();
    for (const [key, part] of this.parts) copy.parts.set(key, { ...part });
    copy.timeline.push(...this.timeline);
    for (const siret of this.eventSirets) copy.eventSirets.add(siret);
    for (const [key, value] of this.transferredFrom) copy.transferredFrom.set(key, value);
    for (const [key, value] of this.latest) copy.latest.set(key, value);
    copy.order = this.order;
    copy.last = this.last;
    return copy;
  }

  #partOf(kind: SubjectKind, id: string) {
    return this.parts.get(`${kind}:${id}`);
  }

  #create(
    kind: SubjectKind,
    id: string,
    status: JourneyStatus,
    label: string,
    at: number,
    extra: Partial<JourneyPart> = {},
  ): JourneyPart {
    const part: JourneyPart = {
      kind,
      id,
      status,
      sourceLabel: label,
      since: at,
      from: null,
      modalityId: null,
      order: this.order++,
      createdStep: this.timeline.length,
      changedStep: this.timeline.length,
      answered: false,
      implied: false,
      interview: null,
      entryDate: null,
      openedOn: null,
      origin: null,
      reportRecorded: false,
      ...extra,
    };
    this.parts.set(`${kind}:${id}`, part);
    return part;
  }

  #apply(fact: JourneyFact, late: boolean, session: SessionFacts | undefined): void {
    const parts = this.parts;
    const transferredFrom = this.transferredFrom;
    const eventSirets = this.eventSirets;
    const partOf = (kind: SubjectKind, id: string) => this.#partOf(kind, id);
    const create = (
      kind: SubjectKind,
      id: string,
      status: JourneyStatus,
      label: string,
      at: number,
      extra: Partial<JourneyPart> = {},
    ) => this.#create(kind, id, status, label, at, extra);
    /** A request as an answer sees it: created (implied) when the request itself is not seen yet. */
    const requestFor = (requestId: string, at: number) =>
      partOf('POSITIONING', requestId) ??
      create('POSITIONING', requestId, 'POSITIONNE', STATUS_LABELS.POSITIONNE, at, { implied: true });
    const at = fact.occurredAt;
    const body = fact.body as { siret?: string; deliveringSiret?: string | null };
    if (body.siret) eventSirets.add(body.siret);
    if (body.deliveringSiret) eventSirets.add(body.deliveringSiret);

    const labelOf = (status: JourneyStatus) =>
      ('sourceLabel' in fact.body && typeof fact.body.sourceLabel === 'string' && fact.body.sourceLabel !== ''
        ? fact.body.sourceLabel
        : undefined) ?? STATUS_LABELS[status];

    /** A status change of an existing part, allowed only from `allowed`. */
    const move = (kind: SubjectKind, id: string, allowed: readonly JourneyStatus[], to: JourneyStatus): Outcome => {
      const part = partOf(kind, id);
      const outcome = { subjectKind: kind, subjectId: id, status: to, sourceLabel: labelOf(to) };
      if (!part)
        return { ...outcome, anomaly: new Anomaly('UNKNOWN_SUBJECT', `${kind} ${id} is unknown to this journey`) };
      if (!allowed.includes(part.status))
        return {
          ...outcome,
          anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', `${fact.record}: ${part.status} → ${to} is not a transition`),
        };
      part.status = to;
      part.sourceLabel = outcome.sourceLabel;
      part.since = at;
      part.changedStep = this.timeline.length;
      return outcome;
    };

    /** An event that records something on a part without changing its status. */
    const touch = (
      kind: SubjectKind,
      id: string,
      allowed: readonly JourneyStatus[],
    ): Outcome & { part?: JourneyPart } => {
      const part = partOf(kind, id);
      const outcome = { subjectKind: kind, subjectId: id, status: null, sourceLabel: null };
      if (!part)
        return { ...outcome, anomaly: new Anomaly('UNKNOWN_SUBJECT', `${kind} ${id} is unknown to this journey`) };
      if (!allowed.includes(part.status))
        return {
          ...outcome,
          anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', `${fact.record} is not possible in status ${part.status}`),
        };
      return { ...outcome, part };
    };

    /** A new part; the same id twice is an impossible event (a second creation). */
    const born = (
      kind: SubjectKind,
      id: string,
      status: JourneyStatus,
      extra: Partial<JourneyPart> = {},
    ): Outcome & { part?: JourneyPart } => {
      const outcome = { subjectKind: kind, subjectId: id, status, sourceLabel: labelOf(status) };
      if (partOf(kind, id))
        return { ...outcome, anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', `${kind} ${id} is already recorded`) };
      return { ...outcome, part: create(kind, id, status, outcome.sourceLabel, at, extra) };
    };

    const outcome = ((): Outcome => {
      switch (fact.record) {
        case 'PositioningRequested': {
          const id = fact.body.requestId;
          const known = partOf('POSITIONING', id);
          const outcome = { subjectKind: 'POSITIONING' as const, subjectId: id, status: 'POSITIONNE' as const };
          if (known?.implied) {
            known.implied = false;
            known.modalityId = fact.body.target.modalityId;
            return { ...outcome, sourceLabel: STATUS_LABELS.POSITIONNE };
          }
          if (known)
            return {
              ...outcome,
              sourceLabel: STATUS_LABELS.POSITIONNE,
              anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', `request ${id} is already recorded`),
            };
          create('POSITIONING', id, 'POSITIONNE', STATUS_LABELS.POSITIONNE, at, {
            modalityId: fact.body.target.modalityId,
          });
          return { ...outcome, sourceLabel: STATUS_LABELS.POSITIONNE };
        }
        case 'PositioningWithdrawn':
          return move('POSITIONING', fact.body.requestId, ['POSITIONNE', 'REFUSE'], 'RETIRE');
        case 'RegistrationRefused': {
          const request = requestFor(fact.body.requestId, at);
          // A request withdrawn before Kairos answered it stays withdrawn: the refusal changes nothing.
          if (request.status === 'RETIRE')
            return { subjectKind: 'POSITIONING', subjectId: request.id, status: null, sourceLabel: null };
          return move('POSITIONING', request.id, ['POSITIONNE'], 'REFUSE');
        }
        case 'RegistrationRecorded': {
          const from = fact.body.requestId ?? transferredFrom.get(fact.body.registrationId) ?? null;
          if (fact.body.requestId) requestFor(fact.body.requestId, at).answered = true;
          return born('REGISTRATION', fact.body.registrationId, 'INSCRIT', { from, modalityId: fact.body.modalityId });
        }
        case 'RegistrationCancelled':
          return move('REGISTRATION', fact.body.registrationId, ['INSCRIT'], 'RDV_ANNULE');
        case 'RegistrationTransferred':
          return move('REGISTRATION', fact.body.registrationId, ['INSCRIT'], 'TRANSFERE');
        case 'PresenceRecorded': {
          const to = fact.body.presence === 'PRESENT' ? 'PRESENT' : fact.body.presence === 'ABSENT' ? 'ABSENT' : null;
          if (to === null)
            return {
              subjectKind: 'REGISTRATION',
              subjectId: fact.body.registrationId,
              status: null,
              sourceLabel: null,
              anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', 'presence UNKNOWN is not a presence'),
            };
          return move('REGISTRATION', fact.body.registrationId, ['INSCRIT'], to);
        }
        case 'RecruitmentResultRecorded': {
          const to = fact.body.result === 'UNKNOWN' ? null : fact.body.result;
          if (to === null)
            return {
              subjectKind: 'REGISTRATION',
              subjectId: fact.body.registrationId,
              status: null,
              sourceLabel: null,
              anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', 'result UNKNOWN is not a result'),
            };
          return move('REGISTRATION', fact.body.registrationId, ['PRESENT'], to);
        }
        case 'WaitlistDecisionRecorded': {
          const to = fact.body.decision === 'UNKNOWN' ? null : fact.body.decision;
          if (to === null)
            return {
              subjectKind: 'REGISTRATION',
              subjectId: fact.body.registrationId,
              status: null,
              sourceLabel: null,
              anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', 'decision UNKNOWN is not a waitlist decision'),
            };
          return move('REGISTRATION', fact.body.registrationId, ['RETENU_EN_ATTENTE'], to);
        }
        case 'CandidatureReceived':
          if (fact.body.requestId) requestFor(fact.body.requestId, at).answered = true;
          return born('CANDIDATURE', fact.body.candidatureId, 'CANDIDATURE_RECUE', {
            from: fact.body.requestId,
            modalityId: fact.body.windowId,
          });
        case 'CandidateContactRecorded': {
          const to = fact.body.outcome === 'UNKNOWN' ? null : fact.body.outcome;
          if (to === null)
            return {
              subjectKind: 'CANDIDATURE',
              subjectId: fact.body.candidatureId,
              status: null,
              sourceLabel: null,
              anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', 'outcome UNKNOWN is not a contact outcome'),
            };
          // C2, and G13: an unreachable candidate may be called again, with any outcome.
          return move('CANDIDATURE', fact.body.candidatureId, ['CANDIDATURE_RECUE', 'INJOIGNABLE'], to);
        }
        case 'InterviewScheduled': {
          const touched = touch('CANDIDATURE', fact.body.candidatureId, ['CONTACTE']);
          if (touched.part) touched.part.interview = { date: fact.body.date, time: fact.body.time };
          return touched;
        }
        case 'InterviewPresenceRecorded': {
          const to = fact.body.presence === 'PRESENT' ? 'PRESENT_ENTRETIEN' : 'ABSENT_ENTRETIEN';
          const interviewed = partOf('CANDIDATURE', fact.body.candidatureId)?.interview;
          const outcome = move('CANDIDATURE', fact.body.candidatureId, ['CONTACTE'], to);
          if (!outcome.anomaly && !interviewed)
            return { ...outcome, anomaly: new Anomaly('RULE_VIOLATION', 'presence at an interview never fixed') };
          return outcome;
        }
        case 'CandidatureResultRecorded': {
          const to = fact.body.result === 'UNKNOWN' ? null : fact.body.result;
          if (to === null)
            return {
              subjectKind: 'CANDIDATURE',
              subjectId: fact.body.candidatureId,
              status: null,
              sourceLabel: null,
              anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', 'result UNKNOWN is not a result'),
            };
          return move('CANDIDATURE', fact.body.candidatureId, ['PRESENT_ENTRETIEN'], to);
        }
        case 'CandidatureWithdrawn':
          return move(
            'CANDIDATURE',
            fact.body.candidatureId,
            ['CANDIDATURE_RECUE', 'CONTACTE', 'INJOIGNABLE', 'PRESENT_ENTRETIEN'],
            'SANS_SUITE',
          );
        case 'EnrolmentOpened': {
          const { origin, originId } = fact.body;
          const activeBefore = [...parts.values()].find(
            (part) => part.kind === 'ENROLMENT' && !TERMINAL.has(part.status),
          );
          const outcome = born('ENROLMENT', fact.body.enrolmentId, 'INSCRIT_EN_FORMATION', {
            from: originId,
            origin,
            openedOn: parisDate(at),
          });
          if (outcome.anomaly) return outcome;
          // E1: enrolled when retained (R5/R8/C4) or proposed directly.
          const originKind =
            origin === 'CANDIDATURE'
              ? 'CANDIDATURE'
              : origin === 'RECRUITMENT_RESULT' || origin === 'WAITLIST'
                ? 'REGISTRATION'
                : null;
          const originPart = originKind && originId ? partOf(originKind, originId) : undefined;
          if (originKind && originPart?.status !== 'RETENU')
            return {
              ...outcome,
              anomaly: new Anomaly(
                'RULE_VIOLATION',
                `enrolled from ${originKind} ${originId ?? '(none)'} which is ${originPart?.status ?? 'unknown'}, not RETENU`,
              ),
            };
          if (activeBefore)
            return {
              ...outcome,
              anomaly: new Anomaly('RULE_VIOLATION', `enrolment ${activeBefore.id} is still ${activeBefore.status}`),
            };
          return outcome;
        }
        case 'EntryRecorded': {
          const outcome = move('ENROLMENT', fact.body.enrolmentId, ['INSCRIT_EN_FORMATION'], 'ENTRE_EN_FORMATION');
          if (outcome.anomaly) return outcome;
          const part = partOf('ENROLMENT', fact.body.enrolmentId);
          if (part) part.entryDate = fact.body.entryDate;
          // E2: the actual entry date falls within the session.
          if (session && !within(fact.body.entryDate, session.start, session.end))
            return {
              ...outcome,
              anomaly: new Anomaly(
                'RULE_VIOLATION',
                `entry date ${fact.body.entryDate} outside the session (${session.start ?? '?'} – ${session.end ?? '?'})`,
              ),
            };
          return outcome;
        }
        case 'EntryCorrected': {
          const touched = touch('ENROLMENT', fact.body.enrolmentId, [
            'ENTRE_EN_FORMATION',
            'EN_INTERRUPTION',
            'ABANDON',
            'SORTI',
          ]);
          if (touched.part) touched.part.entryDate = fact.body.entryDate;
          return touched;
        }
        case 'AbsenceAtEntryRecorded':
          return move('ENROLMENT', fact.body.enrolmentId, ['INSCRIT_EN_FORMATION'], 'ABSENT_A_L_ENTREE');
        case 'EnrolmentCancelled':
          return move('ENROLMENT', fact.body.enrolmentId, ['INSCRIT_EN_FORMATION'], 'ANNULE');
        case 'InterruptionStarted':
          return move('ENROLMENT', fact.body.enrolmentId, ['ENTRE_EN_FORMATION'], 'EN_INTERRUPTION');
        case 'InterruptionEnded':
          return move('ENROLMENT', fact.body.enrolmentId, ['EN_INTERRUPTION'], 'ENTRE_EN_FORMATION');
        case 'AttendancePeriodRecorded':
          return touch('ENROLMENT', fact.body.enrolmentId, ['ENTRE_EN_FORMATION', 'EN_INTERRUPTION']);
        case 'AbandonRecorded':
          return move('ENROLMENT', fact.body.enrolmentId, ['ENTRE_EN_FORMATION', 'EN_INTERRUPTION'], 'ABANDON');
        case 'ExitRecorded':
          // E6, and an early exit during an interruption (Kairos accepts both).
          return move('ENROLMENT', fact.body.enrolmentId, ['ENTRE_EN_FORMATION', 'EN_INTERRUPTION'], 'SORTI');
        case 'EndOfTrainingReportRecorded': {
          const touched = touch('ENROLMENT', fact.body.enrolmentId, ['SORTI', 'ABANDON']);
          if (touched.part?.reportRecorded)
            return {
              ...touched,
              anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', 'the end-of-training report is already recorded'),
            };
          if (touched.part) touched.part.reportRecorded = true;
          return touched;
        }
      }
    })();

    const anomaly =
      outcome.anomaly ??
      (late ? new Anomaly('OUT_OF_ORDER', 'arrived after an event of the same source that occurred later') : undefined);
    this.timeline.push({
      eventId: fact.eventId,
      record: fact.record,
      subjectKind: outcome.subjectKind,
      subjectId: outcome.subjectId,
      status: outcome.status,
      sourceLabel: outcome.sourceLabel,
      actor: fact.actor,
      occurredAt: fact.occurredAt,
      recordedAt: fact.recordedAt,
      anomaly: anomaly?.code ?? null,
      anomalyDetail: anomaly?.detail ?? null,
    });
  }

  /** The journey as its facts say it now. */
  view(journeyId: string, sessionKey: string): JourneyView {
    const parts = this.parts;
    const timeline = this.timeline;
    const eventSirets = this.eventSirets;
    const all = [...parts.values()].sort((a, b) => a.order - b.order);
    const leading = all.filter((part) => part.kind !== 'POSITIONING').at(-1);
    const pendingRequest = all.filter((part) => part.kind === 'POSITIONING' && !part.answered).at(-1);
    // A request leads when nothing else does, or when it came after what came before was over (a request refused
    // while the DE was registered or in training does not).
    const current =
      pendingRequest && (!leading || (TERMINAL.has(leading.status) && pendingRequest.createdStep > leading.changedStep))
        ? pendingRequest
        : leading;
    const latestOf = (kind: SubjectKind) => all.filter((part) => part.kind === kind).at(-1)?.id ?? null;
    return {
      journeyId,
      sessionKey,
      status: current?.status ?? 'UNKNOWN',
      sourceLabel: current?.sourceLabel ?? STATUS_LABELS.UNKNOWN,
      statusSince: current?.since ?? null,
      eventSirets: [...eventSirets].sort(),
      registrationId: latestOf('REGISTRATION'),
      candidatureId: latestOf('CANDIDATURE'),
      enrolmentId: latestOf('ENROLMENT'),
      parts: all,
      timeline,
      anomalies: timeline
        .filter((step) => step.anomaly !== null)
        .map((step) => `${step.anomaly} ${step.eventId} — ${step.anomalyDetail}`),
      lastEventId: timeline.at(-1)?.eventId ?? '',
    };
  }
}

/**
 * Folds every fact of a journey, in business order, through the state machines of domain.md §c: one pure
 * function of the set of facts (and the session), so arrival order across topics, duplicates and a rebuild all
 * give the same journey. Nothing is dropped: an event the machines refuse stays in the timeline, flagged.
 */
export function foldJourney(
  journeyId: string,
  sessionKey: string,
  facts: readonly JourneyFact[],
  session: SessionFacts | undefined,
): JourneyView {
  return JourneyFold.of(facts, session).view(journeyId, sessionKey);
}
