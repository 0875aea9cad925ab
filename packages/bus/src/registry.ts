import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { NonRetriableError, RetriableError } from '@passerelle/service-kit';
import avro, { type Type } from 'avsc';
import { type Contracts, subjectFor } from './contracts.js';

/**
 * The schema registry as the bus sees it: subjects registered at deploy time, schema ids resolved once and
 * cached for encoding, writer schemas fetched once per id for decoding. The Confluent client is used for
 * registration and lookups; compatibility checks and raw schema reads are plain REST calls it does not offer.
 */
export class SchemaRegistryGateway {
  readonly #client: SchemaRegistry;
  readonly #url: string;
  readonly #contracts: Contracts;
  readonly #ids = new Map<string, Promise<number>>();
  /** Ids already resolved, read synchronously on the hot path. */
  readonly #resolvedIds = new Map<string, number>();
  readonly #writers = new Map<number, Promise<Type>>();

  constructor(url: string, contracts: Contracts) {
    this.#url = url.replace(/\/+$/, '');
    this.#client = new SchemaRegistry({ host: this.#url });
    this.#contracts = contracts;
  }

  /** Registers every (topic, record) subject of the catalogue; idempotent. Returns subject → id. */
  async registerAll(): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (const topic of this.#contracts.topics) {
      for (const fullName of topic.records) {
        const subject = subjectFor(topic.name, fullName);
        const { id } = await this.#registerOne(subject, fullName);
        ids.set(subject, id);
        this.#ids.set(subject, Promise.resolve(id));
        this.#resolvedIds.set(subject, id);
      }
    }
    return ids;
  }

  /**
   * One subject. The client also sets the subject's compatibility rule when it registers a subject first. When
   * several runnables start together on a fresh registry, the others see that subject in between: without its
   * rule yet (the client then reports "BACKWARD != NONE"), or with it just created (Apicurio answers their own
   * rule write 409 "already exists"). Both settle within moments: registering again goes through.
   */
  async #registerOne(subject: string, fullName: string): Promise<{ id: number }> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.#client.register(
          { type: SchemaType.AVRO, schema: JSON.stringify(this.#record(fullName).schema) },
          { subject },
        );
      } catch (error) {
        const message = String((error as Error).message);
        const concurrentFirstRegistration =
          ((error as { status?: number }).status === 409 && /already exists/i.test(message)) ||
          /Compatibility does not match the configuration \(\w+ != NONE\)/.test(message);
        if (!concurrentFirstRegistration || attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
      }
    }
  }

  /** The id of this (topic, record) if it was already resolved. */
  knownIdFor(topic: string, fullName: string): number | undefined {
    return this.#resolvedIds.get(subjectFor(topic, fullName));
  }

  /** The id of the registered schema for this (topic, record), resolved once. */
  idFor(topic: string, fullName: string): Promise<number> {
    const subject = subjectFor(topic, fullName);
    let id = this.#ids.get(subject);
    if (!id) {
      id = this.#client
        .getRegistryIdBySchema(subject, {
          type: SchemaType.AVRO,
          schema: JSON.stringify(this.#record(fullName).schema),
        })
        .then((resolved) => {
          this.#resolvedIds.set(subject, resolved);
          return resolved;
        })
        .catch((error: unknown) => {
          this.#ids.delete(subject);
          throw new RetriableError(
            'BUS_SCHEMA_NOT_REGISTERED',
            `No registered schema for subject ${subject}: register the schemas first (bus.registerSchemas()).`,
            { cause: error },
          );
        });
      this.#ids.set(subject, id);
    }
    return id;
  }

  /** The writer type of a schema id, with the contracts' logical types. */
  writerType(id: number): Promise<Type> {
    let writer = this.#writers.get(id);
    if (!writer) {
      writer = this.#fetchSchema(id).then((schema) =>
        avro.Type.forSchema(schema as avro.Schema, {
          logicalTypes: this.#contracts.logicalTypes as Record<string, new () => avro.types.LogicalType> | undefined,
        }),
      );
      writer.catch(() => this.#writers.delete(id));
      this.#writers.set(id, writer);
    }
    return writer;
  }

  /** True when the registry would accept `schema` as the next version of `subject` (its compatibility rule). */
  async isCompatible(subject: string, schema: object): Promise<boolean> {
    const response = await fetch(`${this.#url}/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(schema), schemaType: 'AVRO' }),
    });
    if (response.status === 404) return true;
    if (!response.ok) throw new RetriableError('BUS_REGISTRY_UNAVAILABLE', `registry answered ${response.status}`);
    return ((await response.json()) as { is_compatible: boolean }).is_compatible;
  }

  async #fetchSchema(id: number): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.#url}/schemas/ids/${id}`);
    } catch (error) {
      throw new RetriableError('BUS_REGISTRY_UNAVAILABLE', `schema registry unreachable at ${this.#url}`, {
        cause: error,
      });
    }
    if (response.status === 404)
      throw new NonRetriableError('BUS_UNKNOWN_SCHEMA_ID', `schema id ${id} is not in the registry`);
    if (!response.ok)
      throw new RetriableError('BUS_REGISTRY_UNAVAILABLE', `registry answered ${response.status} for id ${id}`);
    return JSON.parse(((await response.json()) as { schema: string }).schema);
  }

  #record(fullName: string) {
    const record = this.#contracts.records.get(fullName);
    if (!record) throw new Error(`${fullName} is not in the contracts`);
    return record;
  }
}
