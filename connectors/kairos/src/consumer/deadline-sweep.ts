import type { Bus, ManagedConsumer } from '@passerelle/bus';
import type { KairosCommand } from '@passerelle/schemas';
import type { Logger } from '@passerelle/service-kit';
import { DEADLINES_ACT, type DeadlinesTrigger, deadlinesDue } from '../domain/deadlines.js';
import type { SessionAggregate } from '../domain/state.js';
import type { SessionReadModel } from '../read-model.js';
import type { KairosTopics } from '../topics.js';
import { COMMAND } from './session-writer.js';

export interface DeadlineSweepOptions {
  bus: Bus;
  topics: KairosTopics;
  readModel: SessionReadModel;
  writer: ManagedConsumer<SessionAggregate>;
  clock: () => Date;
  intervalMs: number;
  log: Logger;
}

/**
 * The clock of the acts Kairos records by itself (G11 waitlist expiry, G16 exit at the planned end): it looks in
 * the read model for sessions where one fell due and sends their single writer a trigger on kairos.commands — it
 * decides nothing itself. The writer decides the trigger like an OF act, in order with them, in the transaction of
 * its offset: a crash between sweep and decision loses nothing (the next sweep finds the same sessions due), and a
 * duplicate trigger — two instances sweeping, a retried publish, a replayed command — records nothing twice (the
 * same command id is answered again; a new one finds nothing left due). Instances owning no partition stay quiet.
 */
export class DeadlineSweep {
  readonly #options: DeadlineSweepOptions;
  /** Triggers this instance sent a moment ago (real time), which the read model may not show decided yet. */
  readonly #requested = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(options: DeadlineSweepOptions) {
    this.#options = options;
  }

  start() {
    this.#timer = setInterval(() => {
      void this.sweep().catch((error: unknown) =>
        this.#options.log.warn({ err: error }, 'deadline sweep failed; next one will retry'),
      );
    }, this.#options.intervalMs);
    this.#timer.unref();
  }

  stop() {
    clearInterval(this.#timer);
  }

  /** One sweep: the number of sessions it sent a trigger to. */
  sweep(): Promise<number> {
    this.#running ??= this.#sweep().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #sweep(): Promise<number> {
    const { bus, topics, readModel, writer, clock, intervalMs } = this.#options;
    if (Object.values(writer.status().assignment).every((partitions) => partitions.length === 0)) return 0;
    await readModel.follower.caughtUp();
    const now = clock();
    const realNow = Date.now();
    const due: string[] = [];
    for (const state of readModel.sessions()) {
      const asked = this.#requested.get(state.sessionKey);
      if (asked !== undefined && realNow - asked < intervalMs) continue;
      if (deadlinesDue(state, now)) due.push(state.sessionKey);
    }
    if (due.length === 0) return 0;
    await bus.publish(
      due.map((sessionKey) => ({
        topic: topics.commands,
        key: sessionKey,
        record: COMMAND,
        value: trigger(sessionKey, now),
      })),
    );
    for (const sessionKey of due) this.#requested.set(sessionKey, realNow);
    for (const [sessionKey, at] of this.#requested) if (realNow - at >= intervalMs) this.#requested.delete(sessionKey);
    this.#options.log.info({ sessions: due.length }, 'deadline triggers sent');
    return due.length;
  }
}

/** A trigger's command id names its session and instant: the same sweep re-sent is the same command. */
export function trigger(sessionKey: string, at: Date): KairosCommand {
  const commandId = `deadlines:${sessionKey}:${at.getTime()}`;
  const body: DeadlinesTrigger = { at: at.toISOString() };
  return {
    envelope: {
      eventId: `kairos-command:${commandId}`,
      occurredAt: at,
      recordedAt: new Date(),
      actor: { kind: 'SYSTEM', siret: null, organisationName: null, prescriberNetwork: null, channel: 'KAIROS' },
      sourceSystem: 'KAIROS',
      correlationId: sessionKey,
      causationId: null,
    },
    commandId,
    sessionKey,
    type: DEADLINES_ACT,
    actorSirets: [],
    body: JSON.stringify(body),
    de: null,
  };
}
