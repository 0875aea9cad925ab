import {
  type JourneyStatus,
  type Lifecycle,
  type LifecycleSubject,
  mayRecord,
  STATUS_LABELS,
  transitionsOf,
} from '@passerelle/schemas';
import { fullRecordName, type JourneyFact } from './facts.js';
import {
  Anomaly,
  type JourneyPart,
  type Outcome,
  type SessionFacts,
  type SubjectKind,
  type TimelineStep,
} from './model.js';

/** What a fact changes in the fold: its parts, and what the next part's order and timeline index are. */
export interface FoldParts {
  readonly parts: Map<string, JourneyPart>;
  readonly timeline: TimelineStep[];
  readonly transferredFrom: Map<string, string>;
  order: number;
}

/**
 * One fact being applied to a journey, with the moves a subject handler makes. Which status a record may move a
 * part from is read in the lifecycle table (the same one Kairos decides on), never listed here again.
 */
export class FoldStep {
  /** The record's full name, as the lifecycle table names it. */
  readonly record: string;

  constructor(
    readonly fold: FoldParts,
    readonly fact: JourneyFact,
    readonly session: SessionFacts | undefined,
    readonly lifecycle: Lifecycle,
  ) {
    this.record = fullRecordName(fact.record);
  }

  get at(): number {
    return this.fact.occurredAt;
  }

  partOf(kind: SubjectKind, id: string): JourneyPart | undefined {
    return this.fold.parts.get(`${kind}:${id}`);
  }

  create(kind: SubjectKind, id: string, status: JourneyStatus, label: string, extra: Partial<JourneyPart> = {}) {
    const part: JourneyPart = {
      kind,
      id,
      status,
      sourceLabel: label,
      since: this.at,
      from: null,
      modalityId: null,
      order: this.fold.order++,
      createdStep: this.fold.timeline.length,
      changedStep: this.fold.timeline.length,
      answered: false,
      implied: false,
      interview: null,
      entryDate: null,
      openedOn: null,
      origin: null,
      reportRecorded: false,
      ...extra,
    };
    this.fold.parts.set(`${kind}:${id}`, part);
    return part;
  }

  /** A request as an answer sees it: created (implied) when the request itself is not seen yet. */
  requestFor(requestId: string): JourneyPart {
    return (
      this.partOf('POSITIONING', requestId) ??
      this.create('POSITIONING', requestId, 'POSITIONNE', STATUS_LABELS.POSITIONNE, { implied: true })
    );
  }

  /** The label the event carries (the Kairos wording), else the canonical one. */
  labelOf(status: JourneyStatus): string {
    const body = this.fact.body as { sourceLabel?: unknown };
    return typeof body.sourceLabel === 'string' && body.sourceLabel !== '' ? body.sourceLabel : STATUS_LABELS[status];
  }

  #unknown(kind: SubjectKind, id: string, outcome: Outcome): Outcome {
    return { ...outcome, anomaly: new Anomaly('UNKNOWN_SUBJECT', `${kind} ${id} is unknown to this journey`) };
  }

  /** A status change of an existing part, allowed only from where the lifecycle lets this record go to `to`. */
  move(kind: SubjectKind, id: string, to: JourneyStatus): Outcome {
    const part = this.partOf(kind, id);
    const outcome = { subjectKind: kind, subjectId: id, status: to, sourceLabel: this.labelOf(to) };
    if (!part) return this.#unknown(kind, id, outcome);
    if (!mayRecord(this.lifecycle, this.record, part.status, { to }))
      return {
        ...outcome,
        anomaly: new Anomaly(
          'IMPOSSIBLE_TRANSITION',
          `${this.fact.record}: ${part.status} → ${to} is not a transition`,
        ),
      };
    part.status = to;
    part.sourceLabel = outcome.sourceLabel;
    part.since = this.at;
    part.changedStep = this.fold.timeline.length;
    return outcome;
  }

  /** An event that records something on a part without changing its status (a row of the table with no `to`). */
  touch(kind: SubjectKind, id: string): Outcome & { part?: JourneyPart } {
    const part = this.partOf(kind, id);
    const outcome = { subjectKind: kind, subjectId: id, status: null, sourceLabel: null };
    if (!part) return this.#unknown(kind, id, outcome);
    if (!mayRecord(this.lifecycle, this.record, part.status, { to: null }))
      return {
        ...outcome,
        anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', `${this.fact.record} is not possible in status ${part.status}`),
      };
    return { ...outcome, part };
  }

  /** A new part; the same id twice is an impossible event (a second creation). */
  born(
    kind: SubjectKind,
    id: string,
    status: JourneyStatus,
    extra: Partial<JourneyPart> = {},
  ): Outcome & { part?: JourneyPart } {
    const outcome = { subjectKind: kind, subjectId: id, status, sourceLabel: this.labelOf(status) };
    if (this.partOf(kind, id))
      return { ...outcome, anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', `${kind} ${id} is already recorded`) };
    return { ...outcome, part: this.create(kind, id, status, outcome.sourceLabel, extra) };
  }

  /** A record whose value says no status (an UNKNOWN enum symbol read from a newer writer): kept, flagged. */
  noStatus(kind: SubjectKind, id: string, detail: string): Outcome {
    return {
      subjectKind: kind,
      subjectId: id,
      status: null,
      sourceLabel: null,
      anomaly: new Anomaly('IMPOSSIBLE_TRANSITION', detail),
    };
  }
}

/** How each subject of the lifecycle is a part of the journey (the same kinds). */
const KIND: Record<LifecycleSubject, SubjectKind> = {
  POSITIONING: 'POSITIONING',
  REGISTRATION: 'REGISTRATION',
  CANDIDATURE: 'CANDIDATURE',
  ENROLMENT: 'ENROLMENT',
  QUOTE: 'QUOTE',
};

/**
 * A record applied as the table says, with nothing more to check: it creates its subject, moves it (to the one
 * status it reaches, else the status its event carries), or records a fact on it. What every record needing no
 * rule of its own goes through — and a record added to the table only.
 */
export function byTable(step: FoldStep): Outcome | undefined {
  const rows = transitionsOf(step.lifecycle, step.record);
  const first = rows[0];
  if (first === undefined) return undefined;
  const kind = KIND[first.subject];
  const body = step.fact.body as Record<string, unknown>;
  const id = String(body[step.lifecycle.subjects[first.subject].idField] ?? '');
  const carried = rows.find((row) => row.to !== null && row.to === body.status);
  const to = rows.length === 1 ? first.to : (carried?.to ?? null);
  if (first.from.length === 0 && to !== null) return step.born(kind, id, to);
  if (to === null && rows.some((row) => row.to !== null))
    return step.noStatus(kind, id, `${step.fact.record} carries no status the lifecycle knows`);
  return to === null ? step.touch(kind, id) : step.move(kind, id, to);
}
