import { createHmac, timingSafeEqual } from 'node:crypto';
import { DE_IDENTIFIER_INPUT } from './de-identifier.js';
import type { ListingChannel } from './generated/types.js';

/**
 * Signed DE tokens: what a channel's identity layer (TMF, Ma Formation) hands a DE once he logged in with France
 * Travail, so the catalogue knows who he is without a token table. The one definition of the format, for the
 * issuers (a channel's identity layer, the scenario: `signDeToken`) and the catalogue connector (`verifyDeToken`):
 *
 *   de1.<base64url(JSON payload)>.<base64url(HMAC-SHA256(key, "de1." + payloadPart))>
 *   payload: { "sub": "<DE identifier, 8-11 letters or digits>", "channels"?: ["TMF", …], "exp": <epoch seconds> }
 *
 * base64url without padding (RFC 4648 §5). The signature covers the payload exactly as sent, so verification never
 * re-serialises JSON; the payload is parsed only once the signature holds. `sub` is personal data: the token is a
 * secret and neither it nor `sub` is ever logged.
 */
export const DE_TOKEN_VERSION = 'de1';

/** The shortest key accepted: 32 characters, about 256 bits for a random key in base64. */
export const MIN_DE_TOKEN_KEY_LENGTH = 32;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** The catalogue's channels (a listing's `OTHER` is no channel a token acts on). */
export type CatalogueChannel = Exclude<ListingChannel, 'OTHER'>;
const CHANNELS: readonly CatalogueChannel[] = ['AUDEF', 'OUIFORM', 'TMF', 'MA_FORMATION'];
/** Far above a real token (~150 characters): a longer one is refused before any hashing. */
const MAX_TOKEN_LENGTH = 2048;

export interface DeTokenClaims {
  /** France Travail identifier of the DE, upper-cased. */
  deIdentifier: string;
  /** The channels the token acts on; absent: every channel a DE may act on. */
  channels?: readonly CatalogueChannel[];
  expiresAt: Date;
}

export type DeTokenCheck =
  | { valid: true; claims: DeTokenClaims }
  | { valid: false; reason: 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' };

const signatureOf = (key: string, signedPart: string) =>
  createHmac('sha256', key).update(signedPart, 'utf8').digest('base64url');

/** A signed DE token (pure: same inputs, same token). Throws on claims the catalogue would refuse. */
export function signDeToken(
  key: string,
  {
    deIdentifier,
    channels,
    expiresAt,
  }: { deIdentifier: string; channels?: readonly CatalogueChannel[]; expiresAt: Date },
): string {
  if (key.length < MIN_DE_TOKEN_KEY_LENGTH)
    throw new RangeError(`A DE token key has at least ${MIN_DE_TOKEN_KEY_LENGTH} characters.`);
  // No identifier in the message: it is personal data.
  if (!DE_IDENTIFIER_INPUT.test(deIdentifier)) throw new RangeError('A DE identifier is 8 to 11 letters or digits.');
  if (channels && (channels.length === 0 || channels.some((channel) => !CHANNELS.includes(channel))))
    throw new RangeError(`channels, when given, lists one or more of ${CHANNELS.join(', ')}.`);
  if (Number.isNaN(expiresAt.getTime())) throw new RangeError('expiresAt is not a valid date.');
  const payload = Buffer.from(
    JSON.stringify({
      sub: deIdentifier,
      ...(channels ? { channels } : {}),
      exp: Math.floor(expiresAt.getTime() / 1000),
    }),
    'utf8',
  ).toString('base64url');
  const signedPart = `${DE_TOKEN_VERSION}.${payload}`;
  return `${signedPart}.${signatureOf(key, signedPart)}`;
}

/** Whether `token` looks like a signed DE token at all (else it may be a static one). */
export const isDeToken = (token: string) => token.startsWith(`${DE_TOKEN_VERSION}.`);

/**
 * Checks a signed DE token: signature first (constant time, on the canonical encoding, so one signature has one
 * spelling), then the payload, then its expiry against `now` (a token is refused from its `exp` second on).
 */
export function verifyDeToken(key: string, token: string, now: Date): DeTokenCheck {
  const parts = token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
  if (parts.length !== 3 || parts[0] !== DE_TOKEN_VERSION) return { valid: false, reason: 'MALFORMED' };
  const [version, payload, signature] = parts as [string, string, string];
  if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) return { valid: false, reason: 'MALFORMED' };
  const expected = Buffer.from(signatureOf(key, `${version}.${payload}`), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // The expected length is public (a SHA-256 is always 43 characters): comparing it first reveals nothing.
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { valid: false, reason: 'BAD_SIGNATURE' };

  const claims = parseClaims(payload);
  if (!claims) return { valid: false, reason: 'MALFORMED' };
  if (now.getTime() >= claims.expiresAt.getTime()) return { valid: false, reason: 'EXPIRED' };
  return { valid: true, claims };
}

function parseClaims(payload: string): DeTokenClaims | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { sub, channels, exp } = parsed as Record<string, unknown>;
  if (typeof sub !== 'string' || !DE_IDENTIFIER_INPUT.test(sub)) return undefined;
  if (typeof exp !== 'number' || !Number.isSafeInteger(exp)) return undefined;
  if (
    channels !== undefined &&
    (!Array.isArray(channels) ||
      channels.length === 0 ||
      channels.some((channel) => !CHANNELS.includes(channel as CatalogueChannel)))
  )
    return undefined;
  const expiresAt = new Date(exp * 1000);
  // An exp beyond the dates JavaScript can hold would otherwise never expire.
  if (Number.isNaN(expiresAt.getTime())) return undefined;
  return {
    deIdentifier: sub.toUpperCase(),
    ...(channels === undefined ? {} : { channels: channels as CatalogueChannel[] }),
    expiresAt,
  };
}
