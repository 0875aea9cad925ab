import { NonRetriableError } from '@passerelle/service-kit';
import type { Resolver, Type } from 'avsc';
import type { Contracts } from './contracts.js';
import type { SchemaRegistryGateway } from './registry.js';

const MAGIC_BYTE = 0;

function schemaIdOf(bytes: Buffer): number {
  if (bytes.length < 5 || bytes.readUInt8(0) !== MAGIC_BYTE) {
    throw new NonRetriableError('BUS_NOT_WIRE_FORMAT', 'not in the Confluent wire format (magic byte 0 + schema id)');
  }
  return bytes.readInt32BE(1);
}

interface Reading {
  reader: Type;
  resolver: Resolver | undefined;
  record: string;
}

/** A decoded value and the record type it was written as. */
export interface Decoded {
  schemaId: number;
  record: string;
  value: unknown;
}

/**
 * The Confluent wire format: magic byte 0, the schema id as a big-endian int32, then the Avro body. Values are
 * validated before encoding (an invalid event is a programmer error, caught here rather than by a consumer), and
 * decoded with the writer's schema resolved to our reader schema of the same record (schema evolution).
 */
export class Serde {
  readonly #registry: SchemaRegistryGateway;
  readonly #contracts: Contracts;
  readonly #resolvers = new Map<number, Promise<Reading>>();
  /** Resolved readings, looked up synchronously on the hot path. */
  readonly #readings = new Map<number, Reading>();

  constructor(registry: SchemaRegistryGateway, contracts: Contracts) {
    this.#registry = registry;
    this.#contracts = contracts;
  }

  async encode(topic: string, record: string, value: unknown): Promise<Buffer> {
    return this.encodeWithId(await this.#registry.idFor(topic, record), record, value);
  }

  /** Encodes without waiting when the schema id is already known (the hot path); undefined otherwise. */
  encodeIfKnown(topic: string, record: string, value: unknown): Buffer | undefined {
    const id = this.#registry.knownIdFor(topic, record);
    return id === undefined ? undefined : this.encodeWithId(id, record, value);
  }

  encodeWithId(id: number, record: string, value: unknown): Buffer {
    const contract = this.#contracts.records.get(record);
    if (!contract) throw new Error(`${record} is not in the contracts`);
    let body: Buffer;
    try {
      body = contract.type.toBuffer(value);
    } catch {
      // Only on failure: name every invalid path (validation on every event would double the encoding cost).
      const problems: string[] = [];
      contract.type.isValid(value, { errorHook: (path) => problems.push(path.join('.') || '(root)') });
      throw new Error(`Invalid ${record}: bad value at ${problems.join(', ')}`);
    }
    const frame = Buffer.allocUnsafe(5 + body.length);
    frame.writeUInt8(MAGIC_BYTE, 0);
    frame.writeInt32BE(id, 1);
    body.copy(frame, 5);
    return frame;
  }

  async decode(bytes: Buffer): Promise<Decoded> {
    return this.decodeIfKnown(bytes) ?? this.#read(bytes, await this.#resolverFor(schemaIdOf(bytes)));
  }

  /** Decodes without waiting when the writer schema was already seen (the hot path); undefined otherwise. */
  decodeIfKnown(bytes: Buffer): Decoded | undefined {
    const reading = this.#readings.get(schemaIdOf(bytes));
    return reading && this.#read(bytes, reading);
  }

  #read(bytes: Buffer, { reader, resolver, record }: Reading): Decoded {
    const schemaId = bytes.readInt32BE(1);
    try {
      return { schemaId, record, value: reader.fromBuffer(bytes.subarray(5), resolver) };
    } catch (error) {
      throw new NonRetriableError('BUS_DECODE_FAILED', `cannot decode ${record} (schema id ${schemaId})`, {
        cause: error,
      });
    }
  }

  #resolverFor(schemaId: number) {
    let entry = this.#resolvers.get(schemaId);
    if (!entry) {
      entry = this.#registry.writerType(schemaId).then((writer) => {
        const record = writer.name;
        const reader = record ? this.#contracts.records.get(record)?.type : undefined;
        if (!record || !reader) {
          throw new NonRetriableError(
            'BUS_UNKNOWN_RECORD',
            `schema id ${schemaId} is ${record ?? 'unnamed'}, not a known record`,
          );
        }
        try {
          // Same schema on both sides (the common case): read directly, a resolver would only slow decoding down.
          const reading: Reading = {
            reader,
            resolver: writer.equals(reader) ? undefined : reader.createResolver(writer),
            record,
          };
          this.#readings.set(schemaId, reading);
          return reading;
        } catch (error) {
          throw new NonRetriableError('BUS_INCOMPATIBLE_SCHEMA', `${record} id ${schemaId} cannot be read`, {
            cause: error,
          });
        }
      });
      entry.catch(() => this.#resolvers.delete(schemaId));
      this.#resolvers.set(schemaId, entry);
    }
    return entry;
  }
}
