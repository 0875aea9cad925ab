import type { ConsumedEvent } from '@passerelle/bus';
import {
  type JourneyStatus,
  type ModalityKind,
  type PositioningRequested,
  type PositioningWithdrawn,
  type PrescriberNetwork,
  STATUS_LABELS,
} from '@passerelle/schemas';
import type { FeedCursor } from './feed-cursor.js';
import { DECISION_RECORDS, type FollowUpStage, toFollowUpStep } from './follow-up-step.js';

/** A prescriber organisation: what a token acts for and what owns a prescription. */
export interface Prescriber {
  network: PrescriberNetwork;
  organisation: string;
}

export const ownerOf = (prescriber: Prescriber) => `${prescriber.network}:${prescriber.organisation}`;

/** One step of a prescribed DE, as the feed and the webhooks deliver it. */
export interface FollowUpItem {
  /** The Kairos event's id: receivers deduplicate on it (deliveries are at-least-once). */
  eventId: string;
  prescriptionId: string;
  journeyId: string;
  sessionKey: string;
  stage: FollowUpStage;
  status: JourneyStatus;
  label: string;
  sourceLabel: string | null;
  detail: Record<string, string | number | boolean | null>;
  /** Kairos's own Date objects, shared rather than copied (a rebuild holds every step); JSON writes them as ISO 8601. */
  occurredAt: Date;
  recordedAt: Date;
}

interface StoredItem {
  item: FollowUpItem;
  owner: string;
  partition: number;
  offset: bigint;
}

export interface PrescriptionView {
  prescriptionId: string;
  requestId: string;
  journeyId: string;
  sessionKey: string;
  target: { modalityKind: ModalityKind; modalityId: string | null };
  createdAt: string;
  advisorId: string | null;
  /** POSITIONNE until Kairos decides, then the DE's latest status. */
  status: JourneyStatus;
  label: string;
  /** Kairos's answer: a registration, a candidature or a refusal (with its reason); null while pending. */
  decision: FollowUpItem | null;
  withdrawn: boolean;
  steps: FollowUpItem[];
}

interface Prescription extends Omit<PrescriptionView, 'steps' | 'label'> {
  owner: string;
  steps: FollowUpItem[];
}

export interface FeedPage {
  items: FollowUpItem[];
  /** Where the next page starts; equal to the request's cursor when nothing new is visible yet. */
  cursor: FeedCursor;
}

interface Envelope {
  envelope: { eventId: string; occurredAt: Date; recordedAt: Date };
}

/**
 * The prescribers' read model, rebuilt from Kafka by two followers: who prescribed what (positioning.requests) and
 * what happened to those DEs (kairos.session-events). Pure in-memory fold; every instance holds all of it.
 *
 * The two topics are read independently, so Kairos's answer to a prescription can be read before the prescription
 * itself. An answer to one of this connector's requests (its request id has our prefix) whose request is not known
 * yet is parked — with every later event of that journey — until the request arrives; the request is certain to
 * come, since Kairos answered it. Anything else about an unknown journey is not a prescriber's business and is
 * dropped at once. Parked events hold back the feed and the webhooks of their partition (`settledThrough`), so a
 * cursor never moves past an item that will appear later.
 */
export class FollowUpStore {
  readonly #requestPrefix: string;
  readonly #prescriptions = new Map<string, Prescription>();
  readonly #byRequest = new Map<string, Prescription>();
  /** Journey → its prescriptions, oldest first. */
  readonly #byJourney = new Map<string, Prescription[]>();
  /** Owner → partition → items in offset order. */
  readonly #feeds = new Map<string, Map<number, StoredItem[]>>();
  readonly #bySource = new Map<string, StoredItem[]>();
  readonly #applied = new Map<number, bigint>();
  /** Request id → events waiting for it, in order. */
  readonly #parked = new Map<string, ConsumedEvent[]>();
  /** Journey → the request its events wait behind. */
  readonly #parkedJourneys = new Map<string, string>();
  readonly #parkedOffsets = new Map<number, Set<bigint>>();
  readonly #listeners = new Set<() => void>();

  constructor({ requestPrefix }: { requestPrefix: string }) {
    this.#requestPrefix = requestPrefix;
  }

  /** Folds an event of positioning.requests (only Ouiform prescriptions are kept). */
  applyPositioning(event: ConsumedEvent): void {
    if (event.record === 'fr.passerelle.positioning.PositioningRequested') {
      this.#prescribed(event.value as PositioningRequested);
    } else if (event.record === 'fr.passerelle.positioning.PositioningWithdrawn') {
      const withdrawal = event.value as PositioningWithdrawn;
      const prescription = this.#byRequest.get(withdrawal.requestId);
      if (prescription) prescription.withdrawn = true;
    }
    this.#notify();
  }

  /** Folds an event of kairos.session-events. */
  applyKairos(event: ConsumedEvent): void {
    this.#route(event);
    const offset = BigInt(event.offset);
    if (offset > (this.#applied.get(event.partition) ?? -1n)) this.#applied.set(event.partition, offset);
    this.#notify();
  }

  prescription(prescriptionId: string): (PrescriptionView & { owner: string }) | undefined {
    const found = this.#prescriptions.get(prescriptionId);
    if (!found) return undefined;
    return { ...found, label: STATUS_LABELS[found.status], steps: [...found.steps] };
  }

  prescriptionOfRequest(requestId: string): (PrescriptionView & { owner: string }) | undefined {
    const found = this.#byRequest.get(requestId);
    return found ? this.prescription(found.prescriptionId) : undefined;
  }

  /** The prescription once `predicate` holds for it, or as it is after `timeoutMs` (undefined if still unknown). */
  async waitForPrescription(
    prescriptionId: string,
    predicate: (prescription: Pick<PrescriptionView, 'decision' | 'withdrawn'>) => boolean,
    timeoutMs: number,
  ): Promise<(PrescriptionView & { owner: string }) | undefined> {
    // Asked at every event while waiting: the stored view itself, not a copy.
    await this.#until(() => {
      const found = this.#prescriptions.get(prescriptionId);
      return found !== undefined && predicate(found);
    }, timeoutMs);
    return this.prescription(prescriptionId);
  }

  /** The highest offset of a partition whose outcome is final: applied, and nothing parked at or before it. */
  settledThrough(partition: number): bigint {
    const applied = this.#applied.get(partition) ?? -1n;
    let lowestParked: bigint | undefined;
    for (const offset of this.#parkedOffsets.get(partition) ?? []) {
      if (lowestParked === undefined || offset < lowestParked) lowestParked = offset;
    }
    return lowestParked === undefined || lowestParked > applied ? applied : lowestParked - 1n;
  }

  /**
   * Resolves with the items a Kairos event produced (every owner) once its outcome is final, or undefined after
   * `timeoutMs` (the followers lag, or a parked answer still waits for its request).
   */
  async settledItems(partition: number, offset: bigint, timeoutMs: number): Promise<StoredItem[] | undefined> {
    const settled = await this.#until(() => this.settledThrough(partition) >= offset, timeoutMs);
    return settled ? [...(this.#bySource.get(`${partition}:${offset}`) ?? [])] : undefined;
  }

  /**
   * A page of an owner's feed after `cursor`: items of each partition in offset order, partitions merged by when
   * Kairos recorded them; only settled items, so the cursor never passes an item still to appear.
   */
  feed(owner: string, cursor: FeedCursor, limit: number): FeedPage {
    const partitions = this.#feeds.get(owner) ?? new Map<number, StoredItem[]>();
    const heads: { items: StoredItem[]; index: number; settled: bigint }[] = [];
    for (const [partition, items] of partitions) {
      const after = cursor.get(partition) ?? -1n;
      heads.push({ items, index: firstAfter(items, after), settled: this.settledThrough(partition) });
    }
    const next = new Map(cursor);
    const page: FollowUpItem[] = [];
    while (page.length < limit) {
      let best: (typeof heads)[number] | undefined;
      for (const head of heads) {
        const candidate = head.items[head.index];
        if (!candidate || candidate.offset > head.settled) continue;
        const current = best?.items[best.index];
        if (!current || candidate.item.recordedAt.getTime() < current.item.recordedAt.getTime()) best = head;
      }
      const chosen = best?.items[best.index];
      if (!best || !chosen) break;
      best.index += 1;
      page.push(chosen.item);
      next.set(chosen.partition, chosen.offset);
    }
    return { items: page, cursor: next };
  }

  #prescribed(request: PositioningRequested) {
    const prescription = request.prescription;
    if (!prescription || !request.requestId.startsWith(this.#requestPrefix)) return;
    if (this.#byRequest.has(request.requestId)) return;
    const record: Prescription = {
      prescriptionId: prescription.prescriptionId,
      requestId: request.requestId,
      owner: ownerOf({ network: prescription.network, organisation: prescription.organisation }),
      journeyId: request.journeyId,
      sessionKey: request.target.sessionKey,
      target: { modalityKind: request.target.modalityKind, modalityId: request.target.modalityId },
      createdAt: request.envelope.occurredAt.toISOString(),
      advisorId: prescription.advisorId,
      status: 'POSITIONNE',
      decision: null,
      withdrawn: false,
      steps: [],
    };
    this.#prescriptions.set(record.prescriptionId, record);
    this.#byRequest.set(record.requestId, record);
    const ofJourney = this.#byJourney.get(record.journeyId) ?? [];
    ofJourney.push(record);
    this.#byJourney.set(record.journeyId, ofJourney);

    const waiting = this.#parked.get(record.requestId);
    if (waiting) {
      this.#parked.delete(record.requestId);
      this.#parkedJourneys.delete(record.journeyId);
      for (const event of waiting) {
        this.#parkedOffsets.get(event.partition)?.delete(BigInt(event.offset));
        this.#route(event);
      }
    }
  }

  /** Routes a Kairos event to the prescription it concerns; most concern none, and cost only two lookups. */
  #route(event: ConsumedEvent) {
    const value = event.value as { journeyId?: unknown; requestId?: string | null } | null;
    if (typeof value?.journeyId !== 'string') return;
    const journeyId = value.journeyId;
    const parkedBehind = this.#parkedJourneys.get(journeyId);
    if (parkedBehind !== undefined) return this.#park(parkedBehind, event);
    const requestId = DECISION_RECORDS.has(event.record ?? '') ? value.requestId : null;
    if (requestId) {
      if (!requestId.startsWith(this.#requestPrefix)) return;
      const prescription = this.#byRequest.get(requestId);
      if (!prescription) {
        this.#parkedJourneys.set(journeyId, requestId);
        return this.#park(requestId, event);
      }
      return this.#attach(prescription, event, true);
    }
    // A later event of the journey belongs to its latest prescription Kairos accepted — never to one still waiting
    // for its answer while another is accepted (another organisation's, bound to be refused ALREADY_REGISTERED).
    const candidates = this.#byJourney.get(journeyId);
    if (!candidates) return;
    const prescription =
      candidates.findLast((candidate) => candidate.decision !== null && candidate.decision.status !== 'REFUSE') ??
      candidates.findLast((candidate) => candidate.decision === null);
    if (prescription) this.#attach(prescription, event, false);
  }

  #park(requestId: string, event: ConsumedEvent) {
    const waiting = this.#parked.get(requestId) ?? [];
    waiting.push(event);
    this.#parked.set(requestId, waiting);
    const offsets = this.#parkedOffsets.get(event.partition) ?? new Set<bigint>();
    offsets.add(BigInt(event.offset));
    this.#parkedOffsets.set(event.partition, offsets);
  }

  #attach(prescription: Prescription, event: ConsumedEvent, isDecision: boolean) {
    const step = toFollowUpStep(event.record, event.value);
    if (!step) return;
    const { envelope } = event.value as Envelope;
    const item: FollowUpItem = {
      eventId: envelope.eventId,
      prescriptionId: prescription.prescriptionId,
      journeyId: prescription.journeyId,
      sessionKey: prescription.sessionKey,
      stage: isDecision ? 'POSITIONING' : step.stage,
      status: step.status,
      label: step.label,
      sourceLabel: step.sourceLabel,
      detail: step.detail,
      occurredAt: envelope.occurredAt,
      recordedAt: envelope.recordedAt,
    };
    if (prescription.steps.some((existing) => existing.eventId === item.eventId)) return;
    prescription.steps.push(item);
    prescription.status = item.status;
    if (isDecision) prescription.decision = item;

    const stored: StoredItem = {
      item,
      owner: prescription.owner,
      partition: event.partition,
      offset: BigInt(event.offset),
    };
    const partitions = this.#feeds.get(stored.owner) ?? new Map<number, StoredItem[]>();
    this.#feeds.set(stored.owner, partitions);
    const items = partitions.get(stored.partition) ?? [];
    partitions.set(stored.partition, items);
    // A parked answer lands after later offsets of its partition: keep each list in offset order.
    items.splice(firstAfter(items, stored.offset), 0, stored);
    const source = `${stored.partition}:${stored.offset}`;
    this.#bySource.set(source, [...(this.#bySource.get(source) ?? []), stored]);
  }

  #notify() {
    for (const listener of [...this.#listeners]) listener();
  }

  #until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const listener = () => {
        if (!condition()) return;
        finish(true);
      };
      const finish = (result: boolean) => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
        resolve(result);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.#listeners.add(listener);
    });
  }
}

/** Index of the first item with an offset above `offset` (binary search; items are in offset order). */
function firstAfter(items: readonly StoredItem[], offset: bigint): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((items[middle] as StoredItem).offset <= offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

export type { StoredItem };
