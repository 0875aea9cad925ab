import avro from 'avsc';
import {
  outputsOf,
  type RunnableName,
  type RunnableTopics,
  runnableTopics,
  SESSION_PARTITIONS,
  subjectFor,
  type TopicDefinition,
  type TopicRoleOf,
  topics,
  topicsOf,
} from './catalogue.js';
import { eventSchemas } from './generated/schemas.js';
import type { EventRecordName, RecordTypes } from './generated/types.js';
import { journeyIdFor } from './journey-id.js';
import { logicalTypes, TimestampMillis } from './logical-types.js';
import { STATUS_LABELS, statusLabel } from './status-labels.js';

export * from './de-identifier.js';
export * from './de-token.js';
export * from './generated/types.js';
export * from './lifecycle.js';
export {
  journeyIdFor,
  logicalTypes,
  outputsOf,
  type RunnableName,
  type RunnableTopics,
  runnableTopics,
  SESSION_PARTITIONS,
  STATUS_LABELS,
  statusLabel,
  subjectFor,
  TimestampMillis,
  type TopicDefinition,
  type TopicRoleOf,
  topics,
  topicsOf,
};

export interface EventRecordContract {
  fullName: EventRecordName;
  /** Self-contained Avro schema: what is registered. */
  schema: object;
  /** Reader type with logical types (timestamp-millis ⇄ Date). */
  type: avro.Type;
}

/** Every event record of the catalogue, parsed once. */
export const records: ReadonlyMap<EventRecordName, EventRecordContract> = new Map(
  (Object.entries(eventSchemas) as Array<[EventRecordName, object]>).map(([fullName, schema]) => [
    fullName,
    { fullName, schema, type: avro.Type.forSchema(schema as avro.Schema, { logicalTypes }) },
  ]),
);

/** The contracts in the shape the bus runtime takes (`new Bus({ contracts })`). */
export const contracts = { topics, records, logicalTypes };

/**
 * The contracts a runnable runs on: the whole catalogue when `prefix` is empty; else only its own topics (as the
 * catalogue declares them), renamed by `prefix`, so that a test or rehearsal creates only those.
 */
export function runnableContracts(runnable: RunnableName, prefix = ''): typeof contracts {
  if (prefix === '') return contracts;
  return { ...contracts, topics: topicsOf(runnable).map((topic) => ({ ...topic, name: `${prefix}${topic.name}` })) };
}

/** The topic definition of a name, or an error naming the catalogue's topics. */
export function topic(name: string): TopicDefinition {
  const found = topics.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`Unknown topic ${name}; the catalogue has ${topics.map((t) => t.name).join(', ')}`);
  return found;
}

/** A typed outgoing event: the value is checked against the record's generated type at compile time. */
export function eventOf<Name extends EventRecordName>(
  topicName: string,
  key: string,
  record: Name,
  value: RecordTypes[Name],
): { topic: string; key: string; record: Name; value: RecordTypes[Name] } {
  return { topic: topicName, key, record, value };
}
