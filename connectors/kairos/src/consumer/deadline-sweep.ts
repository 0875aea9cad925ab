import type { Bus, ManagedConsumer } from '@passerelle/bus';
import { SessionSweep } from '@passerelle/runtime';
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

export type DeadlineSweep = SessionSweep;

/**
 * The clock of the acts Kairos records by itself (G11 waitlist expiry, G16 exit at the planned end): it sends the
 * single writer of each session where one fell due a trigger on kairos.commands. The writer decides the trigger like
 * an OF act, in order with them; a duplicate trigger records nothing twice (the same command id is answered again;
 * a new one finds nothing left due).
 */
export function deadlineSweep({ bus, topics, readModel, writer, clock, intervalMs, log }: DeadlineSweepOptions) {
  return new SessionSweep({
    what: 'deadline triggers',
    owner: writer,
    caughtUp: () => readModel.follower.caughtUp(),
    *findDue(now) {
      for (const state of readModel.sessions()) if (deadlinesDue(state, now)) yield { sessionKey: state.sessionKey };
    },
    request: (sessionKeys, now) =>
      bus.publish(
        sessionKeys.map((sessionKey) => ({
          topic: topics.commands,
          key: sessionKey,
          record: COMMAND,
          value: trigger(sessionKey, now),
        })),
      ),
    clock,
    intervalMs,
    log,
  });
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
