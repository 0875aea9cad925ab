import type { Bus, ConsumedEvent, HandlerContext, ManagedConsumer } from '@passerelle/bus';
import type {
  KairosCommand,
  KairosCommandOutcome,
  PositioningRequested,
  PositioningWithdrawn,
  SessionWithdrawn,
} from '@passerelle/schemas';
import type { Act, Command } from '../domain/commands.js';
import { DEADLINES_ACT, type DeadlinesTrigger, decideDeadlines } from '../domain/deadlines.js';
import { type DecisionContext, decide } from '../domain/decide/index.js';
import type { DomainEvent } from '../domain/emit.js';
import { fold } from '../domain/evolve.js';
import { decidePositioning, decideSessionWithdrawn, decideWithdrawal } from '../domain/positioning.js';
import type { SessionAggregate } from '../domain/state.js';
import type { KairosTopics } from '../topics.js';

export const COMMAND = 'fr.passerelle.kairos.KairosCommand';
export const OUTCOME = 'fr.passerelle.kairos.KairosCommandOutcome';

export interface SessionWriterOptions {
  bus: Bus;
  topics: KairosTopics;
  groupId: string;
  clock: () => Date;
  journeyIdOf: DecisionContext['journeyIdOf'];
}

/**
 * The single writer of each session: one managed consumer over the co-partitioned inputs (OF commands and the
 * deadline sweep's time triggers, positioning requests, the offer), whose state is every session of its partitions rebuilt from the offer and the connector's
 * own events. The handler only translates: decode → decide (pure) → publish the events and, for a command, its
 * outcome — in the same Kafka transaction as the consumed offset, so an act is recorded exactly once or not at all.
 * Concurrent requests for the last place, from HTTP on any instance or from positioning requests, meet here one
 * after the other: places cannot be oversold.
 */
export function declareSessionWriter({
  bus,
  topics,
  groupId,
  clock,
  journeyIdOf,
}: SessionWriterOptions): ManagedConsumer<SessionAggregate> {
  const publishAll = (
    context: HandlerContext<SessionAggregate>,
    sessionKey: string,
    events: readonly DomainEvent[],
  ) => {
    for (const event of events)
      context.publish({ topic: topics.sessionEvents, key: sessionKey, record: event.record, value: event.value });
  };

  const handleCommand = (event: ConsumedEvent, sessionKey: string, context: HandlerContext<SessionAggregate>) => {
    const command = event.value as KairosCommand;
    const now = clock();
    const outcome = (
      fields: Omit<KairosCommandOutcome, 'envelope' | 'commandId' | 'sessionKey'>,
    ): KairosCommandOutcome => ({
      envelope: {
        eventId: `kairos:${command.commandId}:outcome`,
        occurredAt: now,
        recordedAt: now,
        actor: command.envelope.actor,
        sourceSystem: 'KAIROS',
        correlationId: sessionKey,
        causationId: command.envelope.eventId,
      },
      commandId: command.commandId,
      sessionKey,
      ...fields,
    });
    // An act retried with the same idempotency key (a lost answer, a restarted instance): the same answer again.
    const decided = context.state(sessionKey)?.commands.get(command.commandId);
    if (decided) {
      context.publish({ topic: topics.outcomes, key: sessionKey, record: OUTCOME, value: decided });
      return;
    }
    if (command.type === DEADLINES_ACT) {
      // A time trigger from the deadline sweep: decided here, in order with the OF's acts on the session.
      const trigger = parseTrigger(command.body);
      const events = trigger ? decideDeadlines(context.state(sessionKey), trigger, command.commandId) : [];
      publishAll(context, sessionKey, events);
      context.publish({
        topic: topics.outcomes,
        key: sessionKey,
        record: OUTCOME,
        value: outcome({
          accepted: trigger !== undefined,
          status: trigger ? 200 : 422,
          rule: trigger ? null : 'MALFORMED_COMMAND',
          detail: trigger ? null : 'The trigger has no valid instant.',
          field: trigger ? null : 'body',
          eventIds: events.map((decided) => decided.value.envelope.eventId),
          result: trigger ? JSON.stringify({ recorded: events.length }) : null,
        }),
      });
      return;
    }
    let act: Act;
    try {
      act = {
        ...(JSON.parse(command.body) as object),
        ...(command.de ? { de: command.de } : {}),
        type: command.type,
      } as Act;
    } catch {
      // Only this connector writes commands, from validated requests: a body that is not JSON is refused, not retried.
      context.log.warn({ commandId: command.commandId }, 'command body is not JSON; refused');
      context.publish({
        topic: topics.outcomes,
        key: sessionKey,
        record: OUTCOME,
        value: outcome({
          accepted: false,
          status: 422,
          rule: 'MALFORMED_COMMAND',
          detail: 'The command body is not JSON.',
          field: 'body',
          eventIds: [],
          result: null,
        }),
      });
      return;
    }
    const decision = decide(
      context.state(sessionKey),
      {
        commandId: command.commandId,
        sessionKey,
        actorSirets: command.actorSirets,
        act,
        ...adviserOf(command),
      } satisfies Command,
      { now, journeyIdOf },
    );
    if ('rejection' in decision) {
      const { status, rule, detail, field } = decision.rejection;
      context.publish({
        topic: topics.outcomes,
        key: sessionKey,
        record: OUTCOME,
        value: outcome({ accepted: false, status, rule, detail, field: field ?? null, eventIds: [], result: null }),
      });
      return;
    }
    publishAll(context, sessionKey, decision.events);
    context.publish({
      topic: topics.outcomes,
      key: sessionKey,
      record: OUTCOME,
      value: outcome({
        accepted: true,
        status: decision.status,
        rule: null,
        detail: null,
        field: null,
        eventIds: decision.events.map((decided) => decided.value.envelope.eventId),
        result: JSON.stringify(decision.result),
      }),
    });
  };

  return bus.consumer<SessionAggregate>({
    name: 'kairos.session-writer',
    groupId,
    topics: [topics.commands, topics.positioning, topics.offer],
    state: {
      topics: [topics.offer, topics.sessionEvents, topics.outcomes],
      apply: (current, event) => fold(current, event),
    },
    handle(event, context) {
      const sessionKey = event.key;
      if (sessionKey === null) return;
      if (event.topic === topics.commands && event.record === COMMAND) {
        handleCommand(event, sessionKey, context);
        return;
      }
      const now = clock();
      const state = context.state(sessionKey);
      switch (event.record) {
        case 'fr.passerelle.positioning.PositioningRequested':
          publishAll(context, sessionKey, decidePositioning(state, event.value as PositioningRequested, now));
          return;
        case 'fr.passerelle.positioning.PositioningWithdrawn':
          publishAll(context, sessionKey, decideWithdrawal(state, event.value as PositioningWithdrawn, now));
          return;
        case 'fr.passerelle.offer.SessionWithdrawn':
          publishAll(context, sessionKey, decideSessionWithdrawn(state, event.value as SessionWithdrawn, now));
          return;
        default:
          // Published and updated sessions only feed the state (applied by the runtime after this handler).
          return;
      }
    },
  });
}

/** The instant of a deadlines trigger; undefined when the body holds none (only the sweep writes them). */
function parseTrigger(body: string): Date | undefined {
  try {
    const at = new Date((JSON.parse(body) as DeadlinesTrigger).at);
    return Number.isNaN(at.getTime()) ? undefined : at;
  } catch {
    return undefined;
  }
}

/**
 * A France Travail adviser's command (the AIF quote decision): the HTTP edge, which authenticated the adviser token,
 * says so in the envelope's actor. Only this connector writes `kairos.commands`, so the actor is trusted as the
 * SIRETs are.
 */
function adviserOf(command: KairosCommand): { adviser?: { name: string } } {
  const { actor } = command.envelope;
  return actor.kind === 'PRESCRIBER' && actor.prescriberNetwork === 'FRANCE_TRAVAIL'
    ? { adviser: { name: actor.organisationName ?? 'France Travail' } }
    : {};
}
