import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ByteSource } from '../src/lheo/parse-lheo.js';
import type { OfferSession } from '../src/mapping/offer-session.js';
import { type LheoReport, type ReadOfferSessionsOptions, readOfferSessions } from '../src/read-offer-sessions.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
export const ONISEP = '/work/shared/lheo/exemple-bts-onisep.xml';
export const INTERCARIF = '/work/shared/lheo/intercarif-anotea-sample.xml';

/** Reads a whole source, keeping every snapshot (fine for test-sized files). */
export async function readAll(
  source: ByteSource,
  options: Omit<ReadOfferSessionsOptions, 'onSession'> = {},
): Promise<{ report: LheoReport; sessions: OfferSession[] }> {
  const sessions: OfferSession[] = [];
  const report = await readOfferSessions(source, { ...options, onSession: (snapshot) => void sessions.push(snapshot) });
  return { report, sessions };
}

export const bytes = (text: string): Uint8Array[] => [Buffer.from(text, 'utf8')];

export const readText = (path: string): string => readFileSync(path, 'utf8');

/** A minimal valid LHEO document around the given offres content. */
export function lheo(offres: string, namespace = 'http://lheo.gouv.fr/2.3'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="${namespace}">\n<offres>\n${offres}</offres>\n</lheo>\n`;
}

/** One formation → one action → one session, with overridable parts. */
export function formation(parts: { title?: string; session?: string; action?: string; numero?: string } = {}): string {
  return `<formation numero="${parts.numero ?? 'F1'}">
<intitule-formation>${parts.title ?? 'Soudeur'}</intitule-formation>
<action numero="A1">
${parts.action ?? ''}<session numero="S1">
${parts.session ?? '<periode><debut>20240902</debut><fin>20250630</fin></periode>'}
</session>
</action>
<organisme-formation-responsable><SIRET-organisme-formation><SIRET>12345678900013</SIRET></SIRET-organisme-formation></organisme-formation-responsable>
</formation>
`;
}
