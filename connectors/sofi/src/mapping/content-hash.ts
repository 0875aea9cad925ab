import { createHash } from 'node:crypto';
import type { OfferSession } from './offer-session.js';

/** JSON with object keys sorted at every level, so equal content always serialises to the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Hash of what the session says, for change detection between two exports. `exportedAt` is left out on purpose:
 * it changes with every daily export, and including it would make every session look changed every day.
 */
export function contentHashOf(snapshot: Omit<OfferSession, 'contentHash'>): string {
  const { exportedAt: _exportedAt, ...content } = snapshot;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
