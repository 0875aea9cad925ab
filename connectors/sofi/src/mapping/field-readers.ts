import { childrenNamed, type LheoNode } from '../lheo/lheo-node.js';
import { type PartialDate, parseLheoDate, parseLheoTime } from './lheo-date.js';
import { cleanText, hasControlCharacters, mojibakeIn, plainText, type TextLayout } from './text.js';

/**
 * How the mapping reads LHEO fields: each reader takes an element (absent: null), cleans its text and reports what
 * it found on the element, as a warning (kept, or taken as absent) or an error (keeps the session out).
 */

/** Joins the numeros of a session key (`formation|action|session`), so no numero may hold it. */
export const KEY_SEPARATOR = '|';

/** Where the mapping reports what it finds, as it finds it (the caller counts, keeps or drops). */
export interface FindingSink {
  error(node: LheoNode, message: string): void;
  warn(node: LheoNode, message: string): void;
}

/** Counts what a formation's mapping reported, and passes it on. */
export class Findings {
  errors = 0;
  warnings = 0;
  constructor(private readonly sink: FindingSink) {}
  error(node: LheoNode, message: string): void {
    this.errors += 1;
    this.sink.error(node, message);
  }
  warn(node: LheoNode, message: string): void {
    this.warnings += 1;
    this.sink.warn(node, message);
  }
}

/**
 * The `name` child of `parent` that LHEO allows once. A repeated one is reported and ignored: the first is used
 * (each single-valued element is read exactly once, so each repeat is reported once).
 */
export function one(parent: LheoNode | undefined, name: string, findings: Findings): LheoNode | undefined {
  let first: LheoNode | undefined;
  for (const child of parent?.children ?? []) {
    if (child.name !== name) continue;
    if (first === undefined) first = child;
    else {
      findings.warn(
        child,
        `repeated <${name}> in <${(parent as LheoNode).name}> (LHEO allows one): ignored, the first (line ${first.line}) is used`,
      );
    }
  }
  return first;
}

/** A free-text element as plain text (see `plainText`), with what its clean-up found reported on the element. */
export function freeText(node: LheoNode | undefined, findings: Findings, layout: TextLayout): string | null {
  if (node === undefined) return null;
  const { text, controlCharacters, escapedMarkup } = plainText(node.text, layout);
  if (controlCharacters) findings.warn(node, `control characters removed from <${node.name}>`);
  if (escapedMarkup !== null) {
    findings.warn(node, `escaped markup "${escapedMarkup}" in <${node.name}>: removed, a page would read it as HTML`);
  }
  const mojibake = text === null ? null : mojibakeIn(text);
  if (mojibake !== null) {
    findings.warn(node, `<${node.name}> reads as doubly encoded UTF-8 ("${mojibake}"): kept as given`);
  }
  return text;
}

/** An identifier or code (see `cleanText`), control characters reported. */
export function code(node: LheoNode | undefined, findings: Findings): string | null {
  if (node === undefined) return null;
  if (hasControlCharacters(node.text)) findings.warn(node, `control characters removed from <${node.name}>`);
  return cleanText(node.text);
}

export function requiredNumero(node: LheoNode, findings: Findings): string {
  const raw = node.attributes.numero;
  if (raw !== undefined && hasControlCharacters(raw)) {
    findings.warn(node, `control characters removed from the numero of <${node.name}>`);
  }
  const numero = cleanText(raw);
  if (numero === null) {
    findings.error(node, `<${node.name}> without its numero attribute (required identifier)`);
  } else if (numero.includes(KEY_SEPARATOR)) {
    findings.error(
      node,
      `<${node.name}> numero "${numero}" contains "${KEY_SEPARATOR}", the separator of session keys ` +
        '(formation|action|session): sessions could not be told apart',
    );
  }
  return numero ?? '';
}

export function siretOf(text: string): string | null {
  // Exporters sometimes group digits ("192 900 769 00014"); the value is the digits.
  const digits = text.replace(/\s/g, '');
  return /^\d{14}$/.test(digits) ? digits : null;
}

export function codesOf(nodes: LheoNode[], findings: Findings): string[] {
  return nodes.map((node) => code(node, findings)).filter((text) => text !== null);
}

export function integerOf(
  node: LheoNode | undefined,
  findings: Findings,
  severity: 'warning' | 'error' = 'warning',
): number | null {
  const text = code(node, findings);
  if (node === undefined || text === null) return null;
  if (/^\d{1,9}$/.test(text)) return Number(text);
  const message = `<${node.name}> "${text}" is not a whole number`;
  if (severity === 'error') findings.error(node, message);
  else findings.warn(node, `${message}; taken as absent`);
  return null;
}

export function decimalOf(node: LheoNode | undefined, findings: Findings): number | null {
  const text = code(node, findings);
  if (node === undefined || text === null) return null;
  const value = Number(text.replace(',', '.'));
  if (Number.isFinite(value) && /^[-+]?\d/.test(text)) return value;
  findings.warn(node, `<${node.name}> "${text}" is not a number; taken as absent`);
  return null;
}

export function dateOf(node: LheoNode | undefined, findings: Findings): PartialDate | null {
  if (node === undefined || node.text.trim() === '') return null;
  const parsed = parseLheoDate(node.text);
  if (parsed.ok) return parsed.value;
  findings.error(node, parsed.message);
  return null;
}

export function timeOf(node: LheoNode | undefined, findings: Findings): string | null {
  if (node === undefined || node.text.trim() === '') return null;
  const parsed = parseLheoTime(node.text);
  if (parsed.ok) return parsed.value;
  findings.error(node, parsed.message);
  return null;
}

export function joinLines(lines: LheoNode[], findings: Findings): string | null {
  const parts = lines.map((line) => freeText(line, findings, 'line')).filter((part) => part !== null);
  return parts.length === 0 ? null : parts.join(', ');
}

export function addressLine(address: LheoNode | undefined, findings: Findings): string | null {
  if (address === undefined) return null;
  const postalCode = code(one(address, 'codepostal', findings), findings);
  const cityName = freeText(one(address, 'ville', findings), findings, 'line');
  const city = [postalCode, cityName].filter((part) => part !== null).join(' ');
  const parts = [...childrenNamed(address, 'ligne').flatMap((line) => freeText(line, findings, 'line') ?? [])];
  if (city !== '') parts.push(city);
  return parts.length === 0 ? null : parts.join(', ');
}
