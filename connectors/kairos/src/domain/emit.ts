import type { Actor, EventEnvelope, RecordTypes, SourceSystem } from '@passerelle/schemas';
import type { SessionAggregate } from './state.js';

/** The records the Kairos connector publishes on kairos.session-events. */
export type KairosEventName = Extract<keyof RecordTypes, `fr.passerelle.kairos.${string}`>;
export type SessionEventName = Exclude<
  KairosEventName,
  'fr.passerelle.kairos.KairosCommand' | 'fr.passerelle.kairos.KairosCommandOutcome'
>;

export type DomainEvent = { [Name in SessionEventName]: { record: Name; value: RecordTypes[Name] } }[SessionEventName];

type Body<Name extends SessionEventName> = Omit<RecordTypes[Name], 'envelope'>;

/**
 * Collects the events of one decision. Ids are `<origin>:<n>` in emission order, where the origin is the command
 * id or the consumed event's id: a redelivered command or request decides the same way on the same state and
 * re-emits the same ids, so downstream deduplication by event id holds.
 */
export class Emission {
  readonly events: DomainEvent[] = [];
  readonly #origin: string;
  readonly #now: Date;
  readonly #actor: Actor;
  readonly #sourceSystem: SourceSystem;
  readonly #causationId: string | null;

  constructor(options: {
    origin: string;
    now: Date;
    actor: Actor;
    sourceSystem: SourceSystem;
    causationId: string | null;
  }) {
    this.#origin = options.origin;
    this.#now = options.now;
    this.#actor = options.actor;
    this.#sourceSystem = options.sourceSystem;
    this.#causationId = options.causationId;
  }

  /** Correlated with the journey when the event is about one DE, with the session otherwise. */
  emit<Name extends SessionEventName>(record: Name, body: Body<Name>, correlationId: string): this {
    const envelope: EventEnvelope = {
      eventId: `kairos:${this.#origin}:${this.events.length}`,
      occurredAt: this.#now,
      recordedAt: this.#now,
      actor: this.#actor,
      sourceSystem: this.#sourceSystem,
      correlationId,
      causationId: this.#causationId,
    };
    this.events.push({ record, value: { envelope, ...body } as RecordTypes[Name] } as DomainEvent);
    return this;
  }
}

/** The SIRETs every trainee event carries (domain.md G27: both the responsible and the delivering OF). */
export function traineeFields(state: SessionAggregate, journeyId: string) {
  const responsible = state.session?.responsibleSiret ?? '';
  const delivering = state.session?.deliveringSirets.find((siret) => siret !== responsible) ?? null;
  return { sessionKey: state.sessionKey, journeyId, siret: responsible, deliveringSiret: delivering };
}
