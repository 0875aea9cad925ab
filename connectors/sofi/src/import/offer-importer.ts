import { createHash, randomUUID } from 'node:crypto';
import type { Bus, OutgoingEvent, PublishTransaction } from '@passerelle/bus';
import type {
  EventEnvelope,
  OfferSession as OfferSessionRecord,
  SessionPublished,
  SessionUpdated,
  SessionWithdrawn,
  WithdrawalReason,
} from '@passerelle/schemas';
import type { Logger } from '@passerelle/service-kit';
import type { LheoLimits } from '../lheo/limits.js';
import type { ByteSource } from '../lheo/parse-lheo.js';
import type { OfferSession } from '../mapping/offer-session.js';
import { type LheoReport, readOfferSessions } from '../read-offer-sessions.js';
import { decide } from './decide.js';
import { KnownOffer } from './known-offer.js';

export const OFFER_TOPIC = 'offer.sessions.v1';
const PUBLISHED = 'fr.passerelle.offer.SessionPublished';
const UPDATED = 'fr.passerelle.offer.SessionUpdated';
const WITHDRAWN = 'fr.passerelle.offer.SessionWithdrawn';
/** Events sent to the open transaction at a time: bounds memory whatever the export's size. */
const SEND_EVERY = 500;
/** Last snapshots of absent sessions read back per pass over the topic (about 2 KB each). */
const WITHDRAW_BATCH = 20_000;

export interface ImportReport extends LheoReport {
  importId: string;
  /** True when the changes are published (or there were none); false when the file was rejected. */
  committed: boolean;
  published: number;
  updated: number;
  withdrawn: number;
  unchanged: number;
  durationMs: number;
}

export interface ImportOptions {
  /** What the report and logs call the file (an upload's name, a path); never its content. */
  sourceName?: string;
  onProgress?: (progress: { bytesRead: number; sessions: number }) => void;
}

/**
 * Turns full SOFI exports into session events on `offer.sessions.v1`: what was published, changed or withdrawn
 * since the last export, and nothing else. An import is all-or-nothing: its events stream into one Kafka
 * transaction that commits only when the whole file is valid, so a rejected file publishes nothing and a crash
 * mid-import leaves nothing visible (the next start fences and aborts it); the import can simply be re-run.
 * Imports are serialised: one writer of the offer per process, and the transactional id fences any other.
 */
export class OfferImporter {
  readonly #bus: Bus;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #topic: string;
  readonly #limits: Partial<LheoLimits>;
  #known: Promise<KnownOffer> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor({
    bus,
    log,
    now = () => new Date(),
    topic = OFFER_TOPIC,
    limits = {},
  }: { bus: Bus; log: Logger; now?: () => Date; topic?: string; limits?: Partial<LheoLimits> }) {
    this.#bus = bus;
    this.#topic = topic;
    this.#limits = limits;
    this.#log = log.child({ component: 'offer-importer' });
    this.#now = now;
  }

  /** Rebuilds the known offer from the topic (once; later imports keep it up to date). */
  known(): Promise<KnownOffer> {
    this.#known ??= rebuildKnownOffer(this.#bus, this.#log, this.#topic);
    this.#known.catch(() => {
      this.#known = undefined;
    });
    return this.#known;
  }

  import(source: ByteSource, options: ImportOptions = {}): Promise<ImportReport> {
    const run = this.#queue.then(() => this.#import(source, options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #import(source: ByteSource, { sourceName, onProgress }: ImportOptions): Promise<ImportReport> {
    const started = Date.now();
    const importId = randomUUID();
    const log = this.#log.child({ importId, source: sourceName });
    const known = await this.known();
    known.startImport();
    const now = this.#now();
    const counts = { published: 0, updated: 0, withdrawn: 0, unchanged: 0 };
    let transaction: PublishTransaction | undefined;
    let pending: OutgoingEvent[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      transaction ??= await this.#bus.openTransaction();
      const events = pending;
      pending = [];
      await transaction.send(events);
    };
    const emit = async (event: OutgoingEvent) => {
      pending.push(event);
      if (pending.length >= SEND_EVERY) await flush();
    };
    const envelopeFor = (kind: string, snapshot: OfferSession): EventEnvelope => ({
      // Deterministic: re-running the same import after a crash emits the same ids.
      eventId: createHash('sha256')
        .update(`sofi|${kind}|${snapshot.sessionKey}|${snapshot.contentHash}`)
        .digest('hex')
        .slice(0, 32),
      occurredAt: now,
      recordedAt: now,
      actor: {
        kind: 'OF',
        siret: snapshot.formation.responsibleOrganisation.siret,
        organisationName: snapshot.formation.responsibleOrganisation.name,
        prescriberNetwork: null,
        channel: 'SOFI',
      },
      sourceSystem: 'SOFI',
      correlationId: snapshot.sessionKey,
      causationId: importId,
    });
    const withdraw = async (lastKnown: OfferSession, reason: WithdrawalReason) => {
      const value: SessionWithdrawn = {
        envelope: envelopeFor(`withdrawn-${reason}`, lastKnown),
        sessionKey: lastKnown.sessionKey,
        reason,
        lastKnown: asRecord(lastKnown),
      };
      await emit({ topic: this.#topic, key: lastKnown.sessionKey, record: WITHDRAWN, value });
      known.set(lastKnown.sessionKey, lastKnown, true);
      counts.withdrawn += 1;
    };

    let report: LheoReport;
    try {
      report = await readOfferSessions(source, {
        limits: this.#limits,
        onProgress,
        // A formation whose text is the one every known session of it was made from is unchanged as a whole: it is
        // neither mapped nor diffed (most of a daily export). Any other formation is mapped and diffed session by
        // session below.
        sessionKeys: known,
        skipFormation: ({ sourceHash, sessionKeys }) => {
          const unchanged = known.unchangedSessions(sourceHash, sessionKeys);
          counts.unchanged += unchanged;
          return unchanged > 0;
        },
        onSession: async (snapshot) => {
          const knownSession = known.get(snapshot.sessionKey);
          const decision = decide(knownSession, snapshot);
          if (decision.kind === 'unchanged') {
            // Known (or, expired, never published): it stays as it is, now known as made from this text.
            if (knownSession === undefined) known.set(snapshot.sessionKey, snapshot, true);
            else known.confirm(snapshot.sessionKey, snapshot.sourceHash);
            counts.unchanged += 1;
            return;
          }
          if (decision.kind === 'withdraw-perimee') {
            // The export's own (expired) snapshot is the session's last known state.
            await withdraw(snapshot, 'SESSION_PERIMEE');
            return;
          }
          const session = asRecord(snapshot);
          if (decision.kind === 'publish') {
            const value: SessionPublished = {
              envelope: envelopeFor('published', snapshot),
              sessionKey: snapshot.sessionKey,
              session,
            };
            await emit({ topic: this.#topic, key: snapshot.sessionKey, record: PUBLISHED, value });
            counts.published += 1;
          } else {
            const value: SessionUpdated = {
              envelope: envelopeFor('updated', snapshot),
              sessionKey: snapshot.sessionKey,
              session,
              changedFields: decision.changedFields,
            };
            await emit({ topic: this.#topic, key: snapshot.sessionKey, record: UPDATED, value });
            counts.updated += 1;
          }
          known.set(snapshot.sessionKey, snapshot, false);
        },
      });
      if (report.valid) {
        // A full export: what it no longer lists has left the offer. Their last snapshots are read back from the
        // topic only then (withdrawals are rare; keeping every snapshot in memory would not be), a bounded number
        // per pass over the topic.
        const batches = Math.ceil(known.absentCount() / WITHDRAW_BATCH);
        for (let batch = 0; batch < batches; batch++) {
          const absent = (sessionKey: string) => known.isAbsent(sessionKey, batch, batches);
          for (const lastKnown of (await lastSnapshotsOf(this.#bus, this.#topic, absent)).values()) {
            await withdraw(lastKnown, 'ABSENT_FROM_EXPORT');
          }
        }
        await flush();
        await transaction?.commit();
      } else {
        await transaction?.abort();
        // The known offer took this file's decisions as they came: what the topic says is the truth again.
        this.#known = undefined;
      }
    } catch (error) {
      this.#known = undefined;
      await transaction?.abort().catch(() => undefined);
      throw error;
    }
    const result: ImportReport = {
      ...report,
      importId,
      committed: report.valid,
      ...(report.valid ? counts : { published: 0, updated: 0, withdrawn: 0, unchanged: 0 }),
      durationMs: Date.now() - started,
    };
    log.info(
      {
        committed: result.committed,
        sessions: result.sessions,
        published: result.published,
        updated: result.updated,
        withdrawn: result.withdrawn,
        unchanged: result.unchanged,
        errors: result.errorCount,
        warnings: result.warningCount,
        durationMs: result.durationMs,
      },
      result.committed ? 'offer imported' : 'offer export rejected; nothing published',
    );
    return result;
  }
}

/** The mapped snapshot is the Avro record field for field (the Avro encoder checks it on every publish). */
const asRecord = (snapshot: OfferSession): OfferSessionRecord => snapshot as unknown as OfferSessionRecord;

/** The known offer, read back from the offer topic. */
export async function rebuildKnownOffer(bus: Bus, log: Logger, topic = OFFER_TOPIC): Promise<KnownOffer> {
  const started = Date.now();
  const known = new KnownOffer();
  const events = await bus.readToEnd(topic, (event) => {
    if (event.value === null) return;
    if (event.record === WITHDRAWN) {
      known.set(event.key, (event.value as SessionWithdrawn).lastKnown as unknown as OfferSession, true);
    } else {
      known.set(event.key, (event.value as SessionPublished).session as unknown as OfferSession, false);
    }
  });
  log.info({ events, sessions: known.size, ms: Date.now() - started }, 'known offer rebuilt from Kafka');
  return known;
}

/** The last published snapshot of each session `wanted`, read from the offer topic (per-key order is partition order). */
async function lastSnapshotsOf(
  bus: Bus,
  topic: string,
  wanted: (sessionKey: string) => boolean,
): Promise<Map<string, OfferSession>> {
  const snapshots = new Map<string, OfferSession>();
  await bus.readToEnd(topic, (event) => {
    if (event.value === null || !wanted(event.key)) return;
    const value = event.value as SessionPublished | SessionWithdrawn;
    snapshots.set(event.key, ('session' in value ? value.session : value.lastKnown) as unknown as OfferSession);
  });
  return snapshots;
}
