import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { testStack, uniqueName, waitFor } from '@passerelle/test-kit';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The foundation's first proof against the real broker and registry: a record registered, produced, consumed
// and decoded in the Confluent wire format, and the registry refusing an incompatible change.

const stack = testStack();
const kafka = new Kafka({ clientId: 'wire-format-test', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });
const registry = new SchemaRegistry({ host: stack.schemaRegistryUrl });
const admin = kafka.admin();

const sessionOpened = (namespace: string, extraFields: object[] = []) => ({
  type: 'record',
  name: 'SessionOpened',
  namespace,
  fields: [{ name: 'sessionKey', type: 'string' }, { name: 'places', type: 'int' }, ...extraFields],
});

beforeAll(async () => {
  await admin.connect();
});
afterAll(async () => {
  await admin.disconnect();
});

describe('Confluent wire format on the real stack', () => {
  it('when a record is produced with a registered schema, then it is consumed as magic byte 0, the schema id and the Avro body', async () => {
    // Arrange
    const topic = uniqueName('wire-format');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const schema = sessionOpened(`test.${topic.replaceAll(/[^a-z0-9]/g, '')}`);
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject: `${topic}-value` },
    );
    const record = { sessionKey: 'F1|A1|S1', places: 12 };
    const encoded = await registry.encode(id, record);

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = kafka.consumer({ groupId: uniqueName('wire-format-group') });
    const received: Buffer[] = [];
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value) received.push(message.value);
      },
    });

    // Act
    await producer.send({ topic, acks: -1, messages: [{ key: 'F1|A1|S1', value: encoded }] });
    const [bytes] = await waitFor(() => received.length > 0 && received, { description: 'the produced record' });
    await Promise.all([producer.disconnect(), consumer.disconnect()]);

    // Assert
    expect(bytes).toBeDefined();
    const value = bytes as Buffer;
    expect(value[0]).toBe(0);
    expect(value.readInt32BE(1)).toBe(id);
    // Avro body: string "F1|A1|S1" = zigzag length 8 → 0x10, then the bytes; int 12 → zigzag 24 → 0x18.
    expect([...value.subarray(5)]).toEqual([0x10, ...Buffer.from('F1|A1|S1'), 0x18]);
    expect(await registry.decode(value)).toEqual(record);
  });

  it('when an incompatible change of a registered schema is registered, then the registry refuses it', async () => {
    // Arrange
    const subject = `${uniqueName('compat')}-value`;
    const namespace = `test.${subject.replaceAll(/[^a-z0-9]/g, '')}`;
    const v1 = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(sessionOpened(namespace)) },
      { subject },
    );
    // A new required field without default: old records cannot be read with it (not BACKWARD compatible).
    const breaking = sessionOpened(namespace, [{ name: 'siret', type: 'string' }]);
    // An optional field with a default is the additive change BACKWARD allows.
    const additive = sessionOpened(namespace, [{ name: 'siret', type: ['null', 'string'], default: null }]);

    // Act
    const refused = registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(breaking) }, { subject });

    // Assert
    await expect(refused).rejects.toThrow(/incompatible/i);
    const v2 = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(additive) }, { subject });
    expect(v2.id).not.toBe(v1.id);
  });
});
