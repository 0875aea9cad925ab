import { createHash, randomUUID } from 'node:crypto';
import type { Bus, ConsumedEvent, Follower, Replies } from '@passerelle/bus';
import type { KairosCommand, KairosCommandOutcome } from '@passerelle/schemas';
import { COMMAND } from '../consumer/session-writer.js';
import type { Act } from '../domain/commands.js';
import type { SessionReadModel } from '../read-model.js';
import type { KairosTopics } from '../topics.js';

/** What an HTTP act answers: a status and a JSON body (a problem when refused), maybe a Location to poll. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  problem: boolean;
  location?: string;
}

const MAX_PENDING = 50_000;

const kebab = (rule: string) => rule.toLowerCase().replaceAll('_', '-');

/** The HTTP answer of a decided command. */
export function answerOf(outcome: KairosCommandOutcome): Answer {
  if (outcome.accepted) {
    const result = outcome.result === null ? {} : (JSON.parse(outcome.result) as Record<string, unknown>);
    return {
      status: outcome.status,
      problem: false,
      body: { commandId: outcome.commandId, ...result, eventIds: outcome.eventIds },
    };
  }
  const rule = outcome.rule ?? 'REFUSED';
  return {
    status: outcome.status,
    problem: true,
    body: {
      type: `urn:passerelle:problem:kairos:${kebab(rule)}`,
      title: rule,
      status: outcome.status,
      detail: outcome.detail ?? undefined,
      rule,
      commandId: outcome.commandId,
      errors: outcome.field ? [{ field: outcome.field, message: outcome.detail ?? rule }] : [],
    },
  };
}

/** Who may poll a France Travail adviser's command (and whose keys it is under): the adviser's agency. */
export const adviserOwner = (agency: string): readonly string[] => [`adviser:${agency}`];

/** A command id from a client's idempotency key: the same key, OF and session always give the same id. */
export const commandIdFor = (sirets: readonly string[], sessionKey: string, idempotencyKey: string) =>
  `idem-${createHash('sha256')
    .update(JSON.stringify([[...sirets].sort(), sessionKey, idempotencyKey]))
    .digest('hex')
    .slice(0, 32)}`;

/**
 * Routes OF acts to the session's single writer: publishes the command on `kairos.commands` (keyed by session, so
 * it lands in the owner's partition whichever instance received the request), then waits for its outcome on
 * `kairos.command-outcomes`, and for its events to reach this instance's read model (read-your-writes).
 */
export class CommandGateway {
  /** Commands submitted on any instance (read from the commands topic), with the SIRETs allowed to poll them. */
  readonly #submitted = new Map<string, readonly string[]>();
  /** Reads the commands of the replies' retention window: a Location handed out by any instance answers here. */
  readonly #commands: Follower;

  constructor(
    private readonly options: {
      bus: Bus;
      topics: KairosTopics;
      replies: Replies;
      readModel: SessionReadModel;
      timeoutMs: number;
      /** How long a command's Location answers (the replies' retention). */
      retainMs: number;
    },
  ) {
    this.#commands = options.bus.follow({
      name: 'kairos.commands',
      topics: [options.topics.commands],
      sinceMs: options.retainMs,
      onEvent: (event) => this.#onCommand(event),
    });
  }

  /**
   * With an idempotency key, the command id is derived from it (scoped to the OF's SIRETs and the session), so a
   * retry is the same command: answered from the outcome already known here, else by the writer, which answers a
   * decided command again instead of deciding it twice.
   */
  async submit(
    sessionKey: string,
    sirets: readonly string[],
    act: Act,
    idempotencyKey?: string,
    adviser?: { agency: string },
  ): Promise<Answer> {
    const { bus, topics, replies, timeoutMs } = this.options;
    // An adviser's keys and polls are scoped to the agency, as an OF's are to its SIRETs.
    const owners = adviser ? adviserOwner(adviser.agency) : sirets;
    const commandId = idempotencyKey ? commandIdFor(owners, sessionKey, idempotencyKey) : randomUUID();
    const known = replies.get(commandId);
    if (known) {
      this.#remember(commandId, owners);
      return this.#settled(known.value as KairosCommandOutcome);
    }
    const now = new Date();
    // The DE's identity travels in its own Avro field (DePersonalData), never inside the JSON body.
    const { type, de, ...body } = act as Act & { de?: KairosCommand['de'] };
    const command: KairosCommand = {
      envelope: {
        eventId: `kairos-command:${commandId}`,
        occurredAt: now,
        recordedAt: now,
        // The writer reads a France Travail prescriber actor as the adviser (the quote decision), nothing else.
        actor: adviser
          ? {
              kind: 'PRESCRIBER',
              siret: null,
              organisationName: adviser.agency,
              prescriberNetwork: 'FRANCE_TRAVAIL',
              channel: 'KAIROS',
            }
          : {
              kind: 'OF',
              siret: sirets[0] ?? null,
              organisationName: null,
              prescriberNetwork: null,
              channel: 'KAIROS',
            },
        sourceSystem: 'KAIROS',
        correlationId: sessionKey,
        causationId: null,
      },
      commandId,
      sessionKey,
      type,
      actorSirets: [...sirets],
      body: JSON.stringify(body),
      de: de ? { ...de, email: de.email ?? null, phone: de.phone ?? null } : null,
    };
    this.#remember(commandId, owners);
    await bus.publish([{ topic: topics.commands, key: sessionKey, record: COMMAND, value: command }]);
    const outcome = await replies.wait(commandId, timeoutMs);
    if (!outcome) return this.#pending(commandId);
    return this.#settled(outcome.value as KairosCommandOutcome);
  }

  /** GET /commands/:id — the outcome if decided, 202 while pending, undefined when unknown or someone else's. */
  async poll(commandId: string, sirets: readonly string[]): Promise<Answer | undefined> {
    const owners = await this.#commands.find(() => this.#submitted.get(commandId));
    if (!owners?.some((siret) => sirets.includes(siret))) return undefined;
    const outcome = this.options.replies.get(commandId);
    return outcome ? this.#settled(outcome.value as KairosCommandOutcome) : this.#pending(commandId);
  }

  async #settled(outcome: KairosCommandOutcome): Promise<Answer> {
    const last = outcome.eventIds.at(-1);
    // Bounded: the answer is right even if the read model is slow; only an immediate read could then lag.
    if (last !== undefined) await this.options.readModel.waitFor(last, this.options.timeoutMs);
    return answerOf(outcome);
  }

  #pending(commandId: string): Answer {
    return {
      status: 202,
      problem: false,
      body: { commandId, status: 'PENDING' },
      location: `/commands/${commandId}`,
    };
  }

  #onCommand(event: ConsumedEvent) {
    if (event.record !== COMMAND || event.value === null) return;
    const { commandId, actorSirets, envelope } = event.value as KairosCommand;
    const { actor } = envelope;
    this.#remember(
      commandId,
      actor.kind === 'PRESCRIBER' && actor.organisationName !== null
        ? adviserOwner(actor.organisationName)
        : actorSirets,
    );
  }

  #remember(commandId: string, sirets: readonly string[]) {
    this.#submitted.set(commandId, sirets);
    if (this.#submitted.size > MAX_PENDING) {
      const oldest = this.#submitted.keys().next().value;
      if (oldest !== undefined) this.#submitted.delete(oldest);
    }
  }
}
