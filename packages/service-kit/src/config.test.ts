import { describe, expect, it } from 'vitest';
import { ConfigError, commaList, loadConfig, z } from './config.js';

const schema = z.object({
  KAFKA_BROKERS: commaList(),
  HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  API_TOKEN: z.string().min(16),
});

describe('loadConfig', () => {
  it('when the environment is valid, then the config is typed, defaulted and frozen', () => {
    const config = loadConfig(schema, { KAFKA_BROKERS: 'a:9092, b:9092', API_TOKEN: 'x'.repeat(16) });
    expect(config).toEqual({ KAFKA_BROKERS: ['a:9092', 'b:9092'], HTTP_PORT: 8080, API_TOKEN: 'x'.repeat(16) });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when several variables are wrong, then one error lists every problem', () => {
    let thrown: unknown;
    try {
      loadConfig(schema, { KAFKA_BROKERS: ' , ', HTTP_PORT: 'eighty' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const problems = (thrown as ConfigError).problems.join('\n');
    expect(problems).toContain('KAFKA_BROKERS');
    expect(problems).toContain('HTTP_PORT');
    expect(problems).toContain('API_TOKEN');
  });
});
