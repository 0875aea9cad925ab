import { describe, expect, it } from 'vitest';
import { NoStackError, resolveStack } from './stack.js';

describe('resolveStack from the environment', () => {
  it('when KAFKA_BROKERS and SCHEMA_REGISTRY_URL are set, then they are used as they are', async () => {
    const stack = await resolveStack({
      KAFKA_BROKERS: 'broker-a:9092, broker-b:9092',
      SCHEMA_REGISTRY_URL: 'http://registry:8081/apis/ccompat/v7/',
    });
    expect(stack.kind).toBe('environment');
    expect(stack.kafkaBrokers).toEqual(['broker-a:9092', 'broker-b:9092']);
    expect(stack.schemaRegistryUrl).toBe('http://registry:8081/apis/ccompat/v7');
    expect(stack.description).toContain('KAFKA_BROKERS=broker-a:9092');
  });

  it('when only one of the two is set, then it fails instead of guessing the other', async () => {
    await expect(resolveStack({ KAFKA_BROKERS: 'broker-a:9092' })).rejects.toThrow(NoStackError);
    await expect(resolveStack({ SCHEMA_REGISTRY_URL: 'http://registry:8081' })).rejects.toThrow(
      /both KAFKA_BROKERS and SCHEMA_REGISTRY_URL/,
    );
  });
});
