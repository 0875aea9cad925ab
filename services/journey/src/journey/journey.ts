import { LIFECYCLE, type Lifecycle, STATUS_LABELS } from '@passerelle/schemas';
import type { FactSource, JourneyFact } from './facts.js';
import {
  Anomaly,
  type JourneyPart,
  type JourneyView,
  type SessionFacts,
  type SubjectKind,
  TERMINAL,
  type TimelineStep,
} from './model.js';
import { FoldStep } from './step.js';
import { outcomeOf } from './subjects/index.js';

export type {
  AnomalyCode,
  JourneyPart,
  JourneyView,
  SessionFacts,
  SubjectKind,
  TimelineStep,
} from './model.js';
export { TERMINAL };

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

  /**
   * @param lifecycle the transitions the fold allows: the real table, unless a test folds on an extended one
   *   (which status a record may move a part from is read there, as Kairos reads it to decide).
   */
  constructor(readonly lifecycle: Lifecycle = LIFECYCLE) {}

  /** Folds every fact of a journey, in business order: a pure function of the set of facts and the session. */
  static of(
    facts: readonly JourneyFact[],
    session: SessionFacts | undefined,
    lifecycle: Lifecycle = LIFECYCLE,
  ): JourneyFold {
    const { at: placed, late } = placeInTime(facts);
    const fold = new JourneyFold(lifecycle);
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
    const copy = new JourneyFold(this.lifecycle);
    for (const [key, part] of this.parts) copy.parts.set(key, { ...part });
    copy.timeline.push(...this.timeline);
    for (const siret of this.eventSirets) copy.eventSirets.add(siret);
    for (const [key, value] of this.transferredFrom) copy.transferredFrom.set(key, value);
    for (const [key, value] of this.latest) copy.latest.set(key, value);
    copy.order = this.order;
    copy.last = this.last;
    return copy;
  }

  #apply(fact: JourneyFact, late: boolean, session: SessionFacts | undefined): void {
    const body = fact.body as { siret?: string; deliveringSiret?: string | null };
    if (body.siret) this.eventSirets.add(body.siret);
    if (body.deliveringSiret) this.eventSirets.add(body.deliveringSiret);
    const outcome = outcomeOf(new FoldStep(this, fact, session, this.lifecycle));

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
    // An AIF quote funds the training but is not a step of it: it leads only while nothing else does.
    const leading =
      all.filter((part) => part.kind !== 'POSITIONING' && part.kind !== 'QUOTE').at(-1) ??
      all.filter((part) => part.kind === 'QUOTE').at(-1);
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
