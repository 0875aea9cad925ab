import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { testStack, uniqueName } from '@passerelle/test-kit';
import { describe, expect, it } from 'vitest';
import { readAvroFiles, releasedDir } from '../src/avro-files.js';
import { records, subjectFor, topics } from '../src/index.js';
import { inlineNamedTypes } from '../src/inline.js';

// Every subject of the catalogue against the real registry (BACKWARD enforced), under a unique prefix so the run
// does not touch the subjects the services use.

const registry = new SchemaRegistry({ host: testStack().schemaRegistryUrl });

describe('the contracts in the schema registry', () => {
  it('when every subject is registered, then each gets an id and a second registration returns the same one', async () => {
    const prefix = uniqueName('contracts');
    const ids = new Map<string, number>();
    for (const topic of topics) {
      for (const record of topic.records) {
        const subject = subjectFor(`${prefix}.${topic.name}`, record);
        const schema = JSON.stringify(records.get(record as never)?.schema);
        const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject });
        ids.set(subject, id);
      }
    }
    const [firstSubject, firstId] = [...ids.entries()][0] as [string, number];
    const firstRecord = firstSubject.slice(firstSubject.lastIndexOf('-') + 1);
    const again = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(records.get(firstRecord as never)?.schema) },
      { subject: firstSubject },
    );
    expect(ids.size).toBe(topics.flatMap((topic) => topic.records).length);
    expect(again.id).toBe(firstId);
  });

  it('when release v1 is registered first, then the registry accepts the current version of every record', async () => {
    const released = readAvroFiles(releasedDir);
    const releasedNamed = new Map(released.map((file) => [file.fullName, file.schema]));
    const prefix = uniqueName('release');
    let evolved = 0;
    for (const topic of topics) {
      for (const record of topic.records) {
        const subject = subjectFor(`${prefix}.${topic.name}`, record);
        const current = JSON.stringify(records.get(record as never)?.schema);
        if (releasedNamed.has(record)) {
          const v1 = JSON.stringify(inlineNamedTypes(record, releasedNamed));
          await registry.register({ type: SchemaType.AVRO, schema: v1 }, { subject });
          if (v1 !== current) evolved += 1;
        }
        await expect(
          registry.register({ type: SchemaType.AVRO, schema: current }, { subject }),
          subject,
        ).resolves.toHaveProperty('id');
      }
    }
    // Every record differs from v1 at least by its docs; the offer records also by ResponsibleOrganisation.nda and
    // .name, optional since v1.
    expect(evolved).toBeGreaterThan(0);
  });

  it('when a real event gains a required field, then the registry refuses the new version', async () => {
    const record = 'fr.passerelle.kairos.RegistrationRecorded';
    const subject = subjectFor(uniqueName('compat.kairos.session-events.v1'), record);
    const schema = records.get(record)?.schema as { fields: object[] };
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject });
    const breaking = { ...schema, fields: [...schema.fields, { name: 'mandatoryNew', type: 'string' }] };
    const additive = {
      ...schema,
      fields: [...schema.fields, { name: 'optionalNew', type: ['null', 'string'], default: null }],
    };

    await expect(
      registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject }),
    ).rejects.toThrow(/incompatible/i);
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(additive) }, { subject }),
    ).resolves.toHaveProperty('id');
  });
});
