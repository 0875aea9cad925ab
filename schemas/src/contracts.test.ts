import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { generate } from '../scripts/generate.js';
import { readAvroFiles, releasedDir } from './avro-files.js';
import { topics } from './catalogue.js';
import { backwardProblems } from './compatibility.js';
import { contracts, records } from './index.js';
import { inlineNamedTypes } from './inline.js';
import { logicalTypes } from './logical-types.js';
import { contractProblems } from './rules.js';

type Json = { [key: string]: unknown };
const files = readAvroFiles();
const named = new Map(files.map((file) => [file.fullName, file.schema]));
const eventNames = topics.flatMap((topic) => topic.records);

/** Every field of every record, with the record it belongs to. */
const allFields = files.flatMap((file) =>
  ((file.schema.fields as Json[] | undefined) ?? []).map((field) => ({ record: file.fullName, field })),
);

describe('the .avsc contracts', () => {
  it('when parsed with their named types inlined, then every file is a valid Avro schema', () => {
    for (const file of files) {
      expect(
        () => avro.Type.forSchema(inlineNamedTypes(file.fullName, named) as avro.Schema, { logicalTypes }),
        file.path,
      ).not.toThrow();
    }
  });

  it('when an enum is read by an older or newer reader, then it has a default symbol to fall back on', () => {
    for (const file of files.filter((candidate) => candidate.schema.type === 'enum')) {
      expect(file.schema.symbols as string[], file.fullName).toContain(file.schema.default);
    }
  });

  it('when a field is optional, then it is a union starting with null and defaults to null', () => {
    const optional = allFields.filter(
      ({ field }) => Array.isArray(field.type) && (field.type as unknown[]).includes('null'),
    );
    expect(optional.length).toBeGreaterThan(50);
    for (const { record, field } of optional) {
      expect((field.type as unknown[])[0], `${record}.${field.name}`).toBe('null');
      expect(field.default, `${record}.${field.name}`).toBeNull();
    }
  });

  it('when a record is an event, then it starts with the documented envelope', () => {
    for (const name of eventNames) {
      const fields = (named.get(name) as Json).fields as Json[];
      expect(fields[0], name).toMatchObject({ name: 'envelope', type: 'fr.passerelle.common.EventEnvelope' });
    }
    const envelope = named.get('fr.passerelle.common.EventEnvelope') as Json;
    expect((envelope.fields as Json[]).map((field) => field.name)).toEqual([
      'eventId',
      'occurredAt',
      'recordedAt',
      'actor',
      'sourceSystem',
      'correlationId',
      'causationId',
    ]);
  });

  it('when a field holds personal data, then it is marked and lives in DePersonalData only', () => {
    const marked = allFields.filter(({ field }) => String(field.doc ?? '').startsWith('PERSONAL DATA:'));
    expect(new Set(marked.map(({ record }) => record))).toEqual(new Set(['fr.passerelle.common.DePersonalData']));
    expect(marked.map(({ field }) => field.name)).toEqual(['deIdentifier', 'lastName', 'firstName', 'email', 'phone']);
    const suspicious = allFields.filter(
      ({ record, field }) =>
        record !== 'fr.passerelle.common.DePersonalData' &&
        /^(lastName|firstName|email|phone|deIdentifier|nir)$/i.test(String(field.name)),
    );
    // OF staff contacts (contact-session, the correspondant de la formation) are not a DE's data.
    const staffContacts = ['fr.passerelle.offer.SessionContact', 'fr.passerelle.kairos.TrainingCorrespondent'];
    expect(suspicious.filter(({ record }) => !staffContacts.includes(record))).toEqual([]);
  });

  it('when a named type is defined, then it says what it is', () => {
    for (const file of files) expect(String(file.schema.doc ?? ''), file.fullName).not.toBe('');
  });
});

describe('the house rules (src/rules.ts, shared with schemas:check)', () => {
  it('when run on the current contracts, then they find nothing', () => {
    expect(contractProblems(files, topics)).toEqual([]);
  });

  it('when a contract breaks a rule, even in a nested inline type, then the rule names it', () => {
    const withFile = (fullName: string, schema: Json) => [
      ...files,
      { path: `test/${fullName}.avsc`, fullName, schema: { ...schema, name: fullName } },
    ];
    const nestedEvent = {
      type: 'record',
      doc: 'An event with inline nested types.',
      fields: [
        { name: 'envelope', type: 'fr.passerelle.common.EventEnvelope' },
        {
          name: 'nested',
          type: {
            type: 'record',
            name: 'fr.passerelle.test.Nested',
            doc: 'Nested.',
            fields: [
              { name: 'optional', type: ['null', 'string'] },
              { name: 'kind', type: { type: 'enum', name: 'fr.passerelle.test.Kind', doc: 'Kind.', symbols: ['A'] } },
              { name: 'email', type: 'string' },
            ],
          },
        },
      ],
    };
    const catalogue = [
      ...topics,
      { ...(topics[0] as (typeof topics)[number]), name: 't', records: ['fr.passerelle.test.E'] },
    ];
    expect(contractProblems(withFile('fr.passerelle.test.E', nestedEvent), catalogue)).toEqual([
      'enum fr.passerelle.test.Kind has no default symbol (readers break when a symbol is added)',
      'fr.passerelle.test.Nested.optional: an optional field must have "default": null',
      'fr.passerelle.test.Nested.email: looks like personal data; it belongs in fr.passerelle.common.DePersonalData',
    ]);
    const unused = { type: 'enum', doc: 'Nobody uses me.', symbols: ['A'], default: 'A' };
    expect(contractProblems(withFile('fr.passerelle.test.Unused', unused), topics)).toEqual([
      'test/fr.passerelle.test.Unused.avsc: fr.passerelle.test.Unused is used by no event of the catalogue',
    ]);
    const twice = [...topics, { ...(topics[0] as (typeof topics)[number]), name: 'offer.copy.v1' }];
    expect(contractProblems(files, twice)).toContain(
      'fr.passerelle.offer.SessionPublished is carried by 2 topics (offer.sessions.v1, offer.copy.v1)',
    );
  });
});

describe('the topic catalogue', () => {
  it('when read, then every event record is carried by exactly one topic and every event of the .avsc files by one', () => {
    expect(new Set(eventNames).size).toBe(eventNames.length);
    const withEnvelope = files.filter(
      (file) => ((file.schema.fields as Json[] | undefined) ?? [])[0]?.name === 'envelope',
    );
    expect(withEnvelope.map((file) => file.fullName).sort()).toEqual([...eventNames].sort());
  });

  it('when topics are keyed by session key, then they are co-partitioned (one writer per session)', () => {
    const bySessionKey = topics.filter((topic) => topic.key.startsWith('Session key'));
    expect(bySessionKey.map((topic) => topic.name)).toEqual([
      'offer.sessions.v1',
      'positioning.requests.v1',
      'kairos.session-events.v1',
      'kairos.commands.v1',
      'kairos.command-outcomes.v1',
      'journey.vigilance-reviews.v1',
      'journey.erasures.v1',
    ]);
    expect(new Set(bySessionKey.map((topic) => topic.partitions)).size).toBe(1);
  });

  it('when snapshots are kept, then their topics are compacted', () => {
    const compacted = topics.filter((topic) => topic.cleanupPolicy === 'compact').map((topic) => topic.name);
    expect(compacted).toEqual([
      'offer.sessions.v1',
      'catalogue.listings.v1',
      'journey.status.v1',
      'journey.vigilance-reviews.v1',
      'ouiform.webhook-subscriptions.v1',
      'access.grants.v1',
    ]);
  });
});

describe('generated code and compatibility', () => {
  it('when generated again, then the committed files are identical (CI fails on a stale output)', () => {
    for (const [path, content] of generate()) expect(readFileSync(path, 'utf8'), path).toBe(content);
  });

  it('when compared with release v1, then every event record is BACKWARD compatible', () => {
    expect(backwardProblems(eventNames, releasedDir)).toEqual([]);
  });

  it('when a record is new since the release, then the gate accepts it', () => {
    const added = [
      ...files,
      {
        path: 'kairos/SomethingNew.avsc',
        fullName: 'fr.passerelle.kairos.SomethingNew',
        schema: {
          type: 'record',
          name: 'SomethingNew',
          namespace: 'fr.passerelle.kairos',
          fields: [{ name: 'envelope', type: 'fr.passerelle.common.EventEnvelope' }],
        },
      },
    ];
    expect(backwardProblems([...eventNames, 'fr.passerelle.kairos.SomethingNew'], releasedDir, added)).toEqual([]);
  });

  it('when a required field without default is added, then the gate reports it', () => {
    const changed = files.map((file) =>
      file.fullName === 'fr.passerelle.kairos.RegistrationRecorded'
        ? {
            ...file,
            schema: {
              ...file.schema,
              fields: [...(file.schema.fields as Json[]), { name: 'mandatoryNew', type: 'string' }],
            },
          }
        : file,
    );
    const problems = backwardProblems(eventNames, releasedDir, changed);
    expect(problems.map((problem) => problem.record)).toEqual(['fr.passerelle.kairos.RegistrationRecorded']);
  });
});

describe('runtime contracts', () => {
  it('when every event gets a random valid value, then it round-trips through Avro unchanged', () => {
    expect(records.size).toBe(eventNames.length);
    for (const [name, record] of records) {
      const value = record.type.random();
      const decoded = record.type.fromBuffer(record.type.toBuffer(value));
      expect(record.type.equals(record.type), name).toBe(true);
      expect(record.type.compare(decoded, value), name).toBe(0);
    }
    expect(contracts.topics).toBe(topics);
  });

  it('when a timestamp is written, then it travels as epoch millis and reads back as a Date', () => {
    const envelopeType = avro.Type.forSchema(
      inlineNamedTypes('fr.passerelle.common.EventEnvelope', named) as avro.Schema,
      { logicalTypes },
    );
    const occurredAt = new Date('2026-06-21T07:30:00.000Z');
    const envelope = {
      eventId: 'e1',
      occurredAt,
      recordedAt: occurredAt,
      actor: { kind: 'OF', siret: '19020050100038', organisationName: null, prescriberNetwork: null, channel: null },
      sourceSystem: 'KAIROS',
      correlationId: 'F|A|S',
      causationId: null,
    };
    const bytes = envelopeType.toBuffer(envelope);
    const raw = avro.Type.forSchema(
      inlineNamedTypes('fr.passerelle.common.EventEnvelope', named) as avro.Schema,
    ).fromBuffer(bytes) as {
      occurredAt: number;
    };
    expect(raw.occurredAt).toBe(occurredAt.getTime());
    expect((envelopeType.fromBuffer(bytes) as { occurredAt: Date }).occurredAt).toEqual(occurredAt);
    // Epoch millis are accepted on the way in; anything else that is not a valid Date is refused.
    expect(envelopeType.isValid({ ...envelope, occurredAt: occurredAt.getTime() })).toBe(true);
    expect(envelopeType.isValid({ ...envelope, occurredAt: new Date('not a date') })).toBe(false);
    expect(envelopeType.isValid({ ...envelope, occurredAt: '2026-06-21T07:30:00Z' })).toBe(false);
  });
});
