// `npm run --silent schemas:check`: validates the contracts offline and prints one line per topic and record type.
// Checks: every .avsc parses; the house rules (src/rules.ts: enum defaults, optional unions, envelope first,
// personal data only in DePersonalData, every event in exactly one topic, every .avsc used); the generated files
// are up to date; every example of src/fixtures.ts is valid; BACKWARD compatibility with the last release; the
// AsyncAPI document is valid. A record's line says FAIL when a problem names it or a type it uses; exit 1 lists them.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { Parser } from '@asyncapi/parser';
import avro from 'avsc';
import { readAvroFiles, releasedDir } from '../src/avro-files.js';
import { subjectFor, topics } from '../src/catalogue.js';
import { backwardProblems } from '../src/compatibility.js';
import { fixtures } from '../src/fixtures.js';
import { inlineNamedTypes } from '../src/inline.js';
import { LIFECYCLE, lifecycleProblems } from '../src/lifecycle.js';
import { logicalTypes } from '../src/logical-types.js';
import { contractProblems, reachableFrom } from '../src/rules.js';
import { generate } from './generate.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const problems: string[] = [];
const files = readAvroFiles();
const named = new Map(files.map((file) => [file.fullName, file.schema]));
const types = new Map<string, avro.Type>();
for (const file of files) {
  try {
    types.set(
      file.fullName,
      avro.Type.forSchema(inlineNamedTypes(file.fullName, named) as avro.Schema, { logicalTypes }),
    );
  } catch (error) {
    problems.push(`${file.path}: ${file.fullName} does not parse: ${(error as Error).message}`);
  }
}
problems.push(...contractProblems(files, topics));
for (const [path, content] of generate()) {
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {}
  if (committed !== content)
    problems.push(`${relative(repoRoot, path)} is stale: run npm run -w schemas generate and commit it`);
}
for (const [name, value] of Object.entries(fixtures)) {
  const type = types.get(name);
  if (!type) continue;
  const invalid: string[] = [];
  type.isValid(value, { errorHook: (path) => invalid.push(path.join('.') || '(root)') });
  if (invalid.length > 0) problems.push(`${name}: the fixture is invalid at ${invalid.join(', ')}`);
}
const eventNames = topics.flatMap((topic) => topic.records);
problems.push(...lifecycleProblems(LIFECYCLE, new Set(eventNames)));
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

const mentions = (problem: string, fullName: string) =>
  new RegExp(`${fullName.replaceAll('.', '\\.')}(?![\\w])`).test(problem);
for (const topic of topics) {
  for (const record of topic.records) {
    const uses = reachableFrom([record], files);
    const failed = problems.some((problem) => [...uses].some((name) => mentions(problem, name)));
    console.log(`${failed ? 'FAIL' : 'ok'}  ${topic.name}  ${record}  subject=${subjectFor(topic.name, record)}`);
  }
}
if (problems.length > 0) {
  console.error(`\nschemas:check found ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
