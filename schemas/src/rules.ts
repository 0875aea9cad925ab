import type { AvroFile } from './avro-files.js';
import type { TopicDefinition } from './catalogue.js';
import { type AvroNode, fullNameOf } from './inline.js';

/**
 * The house rules of the contracts, as data: `schemas:check` prints these problems and the tests assert there are
 * none, so the two can never disagree. Each rule exists for evolution or privacy:
 * - an enum without a default breaks every reader when a symbol is added;
 * - an optional field without `default: null` cannot be added or removed compatibly;
 * - personal data outside DePersonalData cannot be found for erasure or crypto-shredding;
 * - a named type no event uses is dead weight that still has to stay compatible.
 */

type Json = { [key: string]: unknown };

export const ENVELOPE = 'fr.passerelle.common.EventEnvelope';
export const PERSONAL_DATA = 'fr.passerelle.common.DePersonalData';
export const PERSONAL_DATA_MARK = 'PERSONAL DATA:';
/**
 * Field names that hold personal data wherever they appear; SessionContact and TrainingCorrespondent hold OF staff
 * contacts, not a DE's.
 */
const PERSONAL_FIELD_NAMES = /^(lastName|firstName|email|phone|deIdentifier|nir|birthDate)$/i;
const PERSONAL_FIELD_EXEMPT = new Set([
  PERSONAL_DATA,
  'fr.passerelle.offer.SessionContact',
  'fr.passerelle.kairos.TrainingCorrespondent',
]);

interface FieldAt {
  /** Named type that declares the field. */
  record: string;
  field: Json;
}

/** Every record field and enum definition of a file, including definitions nested inline. */
function definitionsOf(node: AvroNode, fallbackNamespace?: string): Json[] {
  if (typeof node === 'string') return [];
  if (Array.isArray(node)) return node.flatMap((branch) => definitionsOf(branch, fallbackNamespace));
  const namespace = typeof node.namespace === 'string' ? node.namespace : fallbackNamespace;
  const own = node.type === 'record' || node.type === 'enum' ? [{ ...node, namespace }] : [];
  const nested: AvroNode[] =
    node.type === 'record'
      ? ((node.fields as Json[]).map((field) => field.type) as AvroNode[])
      : node.type === 'array'
        ? [node.items as AvroNode]
        : node.type === 'map'
          ? [node.values as AvroNode]
          : typeof node.type === 'object'
            ? [node.type as AvroNode]
            : [];
  return [...own, ...nested.flatMap((child) => definitionsOf(child, namespace))];
}

/** Full names a schema node refers to (without following them). */
function referencesOf(node: AvroNode, named: ReadonlySet<string>): string[] {
  if (typeof node === 'string') return named.has(node) ? [node] : [];
  if (Array.isArray(node)) return node.flatMap((branch) => referencesOf(branch, named));
  if (node.type === 'record')
    return (node.fields as Json[]).flatMap((field) => referencesOf(field.type as AvroNode, named));
  if (node.type === 'array') return referencesOf(node.items as AvroNode, named);
  if (node.type === 'map') return referencesOf(node.values as AvroNode, named);
  return typeof node.type === 'object' || Array.isArray(node.type) ? referencesOf(node.type as AvroNode, named) : [];
}

/** Named types reachable from the event records. */
export function reachableFrom(eventNames: readonly string[], files: readonly AvroFile[]): Set<string> {
  const byName = new Map(files.map((file) => [file.fullName, file.schema as AvroNode]));
  const names = new Set(byName.keys());
  const reached = new Set<string>();
  const pending = [...eventNames];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (reached.has(name)) continue;
    reached.add(name);
    const schema = byName.get(name);
    if (schema !== undefined) pending.push(...referencesOf(schema, names));
  }
  return reached;
}

export function contractProblems(files: readonly AvroFile[], topics: readonly TopicDefinition[]): string[] {
  const problems: string[] = [];
  const eventNames = topics.flatMap((topic) => topic.records);
  const definitions = files.flatMap((file) => definitionsOf(file.schema as AvroNode));
  const fields: FieldAt[] = definitions
    .filter((definition) => definition.type === 'record')
    .flatMap((definition) =>
      (definition.fields as Json[]).map((field) => ({
        record: fullNameOf(definition as { name: string; namespace?: string }),
        field,
      })),
    );

  for (const definition of definitions) {
    const name = fullNameOf(definition as { name: string; namespace?: string });
    if (typeof definition.doc !== 'string' || definition.doc.trim() === '') problems.push(`${name} has no doc`);
    if (definition.type === 'enum' && !(definition.symbols as string[]).includes(definition.default as string)) {
      problems.push(`enum ${name} has no default symbol (readers break when a symbol is added)`);
    }
  }

  for (const { record, field } of fields) {
    const where = `${record}.${String(field.name)}`;
    if (Array.isArray(field.type) && (field.type as unknown[]).includes('null')) {
      if ((field.type as unknown[])[0] !== 'null') problems.push(`${where}: an optional union must start with "null"`);
      if (field.default !== null) problems.push(`${where}: an optional field must have "default": null`);
    }
    const marked = typeof field.doc === 'string' && field.doc.startsWith(PERSONAL_DATA_MARK);
    if (marked && record !== PERSONAL_DATA) problems.push(`${where}: personal data outside ${PERSONAL_DATA}`);
    if (record === PERSONAL_DATA && !marked) problems.push(`${where}: doc must start with "${PERSONAL_DATA_MARK}"`);
    if (!PERSONAL_FIELD_EXEMPT.has(record) && PERSONAL_FIELD_NAMES.test(String(field.name))) {
      problems.push(`${where}: looks like personal data; it belongs in ${PERSONAL_DATA}`);
    }
  }

  const known = new Set(files.map((file) => file.fullName));
  for (const name of new Set(eventNames)) {
    const carriers = topics.filter((topic) => topic.records.includes(name)).map((topic) => topic.name);
    if (carriers.length > 1) problems.push(`${name} is carried by ${carriers.length} topics (${carriers.join(', ')})`);
    if (!known.has(name)) {
      problems.push(`${name} is in the catalogue but has no .avsc`);
      continue;
    }
    const first = ((files.find((file) => file.fullName === name)?.schema.fields as Json[] | undefined) ?? [])[0];
    if (first?.name !== 'envelope' || first.type !== ENVELOPE) {
      problems.push(`${name}: an event's first field must be "envelope" of type ${ENVELOPE}`);
    }
  }
  const reached = reachableFrom(eventNames, files);
  for (const file of files) {
    const first = ((file.schema.fields as Json[] | undefined) ?? [])[0];
    if (first?.name === 'envelope' && !eventNames.includes(file.fullName)) {
      problems.push(`${file.fullName} is an event (it has an envelope) but no topic carries it`);
    } else if (!reached.has(file.fullName)) {
      problems.push(`${file.path}: ${file.fullName} is used by no event of the catalogue`);
    }
  }
  return problems;
}
