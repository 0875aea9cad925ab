import type { Type } from 'avsc';

/**
 * What the bus needs to know of the event contracts. `@passerelle/schemas` provides it; the bus never imports
 * it (packages do not depend on schemas), so any catalogue of this shape works, including a test's own.
 */
export interface RecordContract {
  /** Avro full name, e.g. fr.passerelle.kairos.RegistrationRecorded */
  fullName: string;
  /** Self-contained Avro schema (named types inlined): what is registered. */
  schema: object;
  /** The reader type, with logical types (timestamp-millis ⇄ Date). */
  type: Type;
}

export interface TopicContract {
  name: string;
  partitions: number;
  cleanupPolicy: 'compact' | 'delete';
  /** -1 for infinite */
  retentionMs: number;
  /** Full names of the record types this topic carries. */
  records: readonly string[];
}

export interface Contracts {
  topics: readonly TopicContract[];
  records: ReadonlyMap<string, RecordContract>;
  /** Logical type implementations used to parse writer schemas fetched from the registry. */
  logicalTypes?: Record<string, unknown>;
}

/** TopicRecordNameStrategy: several record types share a topic, each under its own subject. */
export const subjectFor = (topic: string, recordFullName: string) => `${topic}-${recordFullName}`;

/** The dead-letter topic of a consumer group. */
export const deadLetterTopicFor = (groupId: string) => `dlq.${groupId}.v1`;
