import { createHash } from 'node:crypto';
import type { OfferSession } from './offer-session.js';

/** JSON with object keys sorted at every level, so equal content always serialises to the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    if (record[key] === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(record[key])}`;
  }
  return `${out}}`;
}

/**
 * Hash of what the session says, for change detection between two exports. `exportedAt` is left out on purpose:
 * it changes with every daily export, and including it would make every session look changed every day; so is
 * `sourceHash`, which says how the session was written, not what it says.
 */
export function contentHashOf(snapshot: Omit<OfferSession, 'contentHash' | 'sourceHash'>): string {
  const { exportedAt: _exportedAt, ...content } = snapshot;
  // The mapper builds every snapshot with the same field order, so plain (native, several times faster)
  // JSON.stringify is already canonical here; canonicalJson stays for objects of unknown order (decoded events).
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}
