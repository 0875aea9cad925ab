// `npm run --silent schemas:check`: validates the contracts offline and prints one line per topic and record type.
// Checks: every .avsc parses; generated files are up to date; every event record is in exactly one topic and every
// record with an envelope is an event of a topic; BACKWARD compatibility with the last release; AsyncAPI valid.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { Parser } from '@asyncapi/parser';
import avro from 'avsc';
import { readAvroFiles, releasedDir } from '../src/avro-files.js';
import { subjectFor, topics } from '../src/catalogue.js';
import { backwardProblems } from '../src/compatibility.js';
import { inlineNamedTypes } from '../src/inline.js';
import { logicalTypes } from '../src/logical-types.js';
import { generate } from './generate.js';

const problems: string[] = [];
const files = readAvroFiles();
const named = new Map(files.map((file) => [file.fullName, file.schema]));
for (const file of files) {
  try {
    avro.Type.forSchema(inlineNamedTypes(file.fullName, named) as avro.Schema, { logicalTypes });
  } catch (error) {
    problems.push(`${file.path}: does not parse: ${(error as Error).message}`);
  }
}
for (const [path, content] of generate()) {
  if (readFileSync(path, 'utf8') !== content) problems.push(`${path} is stale: run npm run -w schemas generate`);
}
const eventNames = topics.flatMap((topic) => topic.records);
for (const name of new Set(eventNames)) {
  const count = eventNames.filter((candidate) => candidate === name).length;
  if (count > 1) problems.push(`${name} is carried by ${count} topics`);
  if (!named.has(name)) problems.push(`${name} is in the catalogue but has no .avsc`);
}
for (const file of files) {
  const fields = (file.schema.fields as Array<{ name: string }> | undefined) ?? [];
  if (fields[0]?.name === 'envelope' && !eventNames.includes(file.fullName)) {
    problems.push(`${file.fullName} is an event (it has an envelope) but no topic carries it`);
  }
}
for (const problem of backwardProblems(eventNames, releasedDir)) {
  problems.push(`${problem.record} is not BACKWARD compatible with release v1: ${problem.message}`);
}
const parser = new Parser();
parser.registerSchemaParser(AvroSchemaParser());
const asyncapi = readFileSync(fileURLToPath(new URL('../asyncapi.yaml', import.meta.url)), 'utf8');
const { diagnostics } = await parser.parse(asyncapi);
for (const diagnostic of diagnostics.filter((d) => d.severity === 0)) {
  problems.push(`asyncapi.yaml ${diagnostic.path.join('.')}: ${diagnostic.message}`);
}

const status = problems.length === 0 ? 'ok' : 'FAIL';
for (const topic of topics) {
  for (const record of topic.records) {
    console.log(`${status}  ${topic.name}  ${record}  subject=${subjectFor(topic.name, record)}`);
  }
}
if (problems.length > 0) {
  console.error(`\n${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
