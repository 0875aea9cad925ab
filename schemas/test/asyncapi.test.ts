import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { topics } from '../src/catalogue.js';

describe('asyncapi.yaml', () => {
  it('when parsed by @asyncapi/parser with Avro payloads, then it is valid AsyncAPI 3.0 and describes every topic and record', async () => {
    const parser = new Parser();
    parser.registerSchemaParser(AvroSchemaParser());
    const source = readFileSync(fileURLToPath(new URL('../asyncapi.yaml', import.meta.url)), 'utf8');

    const { document, diagnostics } = await parser.parse(source);

    expect(diagnostics.filter((diagnostic) => diagnostic.severity === 0)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    const addresses =
      document
        ?.channels()
        .all()
        .map((channel) => channel.address()) ?? [];
    expect(addresses.sort()).toEqual(topics.map((topic) => topic.name).sort());
    const messageCount = document?.components().messages().all().length;
    expect(messageCount).toBe(topics.flatMap((topic) => topic.records).length);
  });
});
