import { z } from '@passerelle/service-kit';
import {
  type CryptoKey,
  decodeProtectedHeader,
  errors,
  importJWK,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from 'jose';

/**
 * The one place Passerelle touches `jose`: signed tokens (JWT) verified against a key set chosen by `kid`. Rotation
 * without downtime is a matter of the key set holding several keys: add the new kid everywhere, sign with it, then
 * drop the old one once no token signed with it is still valid.
 */

const secretKey = z.object({ kid: z.string().min(1), secret: z.string().min(32) });
const publicKey = z.object({
  kid: z.string().min(1),
  jwk: z
    .object({ kty: z.string(), alg: z.enum(['RS256', 'PS256', 'ES256', 'EdDSA']) })
    .passthrough()
    .refine((jwk) => !('d' in jwk), 'a public JWK (no private part: instances only verify)'),
});
const keySchema = z.union([secretKey, publicKey]);

export type AccessKey = z.infer<typeof keySchema>;

/** `ACCESS_JWT_KEYS`: a JSON array of `{kid, secret}` (HS256, 32+ characters) or `{kid, jwk}` (public key). */
export const accessKeysSchema = z
  .string()
  .optional()
  .transform((text, context): AccessKey[] => {
    if (text === undefined || text.trim() === '') return [];
    try {
      const keys = z.array(keySchema).min(1).parse(JSON.parse(text));
      if (new Set(keys.map((key) => key.kid)).size !== keys.length) throw new Error('duplicate kid');
      return keys;
    } catch {
      context.addIssue({
        code: 'custom',
        message:
          'must be a JSON array of {"kid","secret"} (HS256, 32+ characters) or {"kid","jwk"} (public JWK with alg), kids distinct',
      });
      return z.NEVER;
    }
  });

/** The claims a verified token carries that Passerelle reads. */
export interface VerifiedToken {
  subject: string;
  expiresAt: Date;
}

export interface TokenVerifierOptions {
  keys: readonly AccessKey[];
  issuer: string;
  audience: string;
  /** Clock skew tolerated on `exp` and `nbf` (seconds). */
  clockToleranceSeconds?: number;
  /** The verifier's clock (tests). */
  now?: () => Date;
}

/** Why a token was not accepted: said in logs by kind only, never with the token. */
export class InvalidTokenError extends Error {
  constructor(readonly reason: string) {
    super(`invalid token: ${reason}`);
  }
}

const encoder = new TextEncoder();

/** Verifies signature, `exp`, `nbf`, `iss` and `aud` of a compact JWS against the key of its `kid`. */
export class TokenVerifier {
  readonly #keys: Map<string, { algorithm: string; key: Promise<CryptoKey | Uint8Array> }>;
  readonly #options: TokenVerifierOptions;
  readonly #getKey: JWTVerifyGetKey;

  constructor(options: TokenVerifierOptions) {
    this.#options = options;
    this.#keys = new Map(
      options.keys.map((key) => [
        key.kid,
        'secret' in key
          ? { algorithm: 'HS256', key: Promise.resolve(encoder.encode(key.secret)) }
          : { algorithm: key.jwk.alg, key: importJWK(key.jwk as JWK, key.jwk.alg) as Promise<CryptoKey> },
      ]),
    );
    // The algorithm is the key's, never the token's word: a token cannot pick HS256 with a public key as secret.
    this.#getKey = async (header) => {
      const entry = header.kid === undefined ? undefined : this.#keys.get(header.kid);
      if (!entry) throw new InvalidTokenError('unknown kid');
      if (header.alg !== entry.algorithm) throw new InvalidTokenError('algorithm not the key’s');
      return entry.key;
    };
  }

  get enabled(): boolean {
    return this.#keys.size > 0;
  }

  /** The token's subject and expiry, or an InvalidTokenError. */
  async verify(token: string): Promise<VerifiedToken> {
    if (!this.enabled) throw new InvalidTokenError('no key configured');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#getKey, {
        issuer: this.#options.issuer,
        audience: this.#options.audience,
        algorithms: [...new Set([...this.#keys.values()].map((entry) => entry.algorithm))],
        clockTolerance: this.#options.clockToleranceSeconds ?? 5,
        currentDate: this.#options.now?.(),
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      if (error instanceof errors.JOSEError) throw new InvalidTokenError(error.code);
      throw new InvalidTokenError('malformed');
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new InvalidTokenError('no subject');
    return { subject: payload.sub, expiresAt: new Date((payload.exp as number) * 1000) };
  }
}

/** A compact JWS, i.e. three base64url parts: what the resolver hands to the verifier rather than the dev tokens. */
export function looksLikeJwt(token: string): boolean {
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return false;
  try {
    decodeProtectedHeader(token);
    return true;
  } catch {
    return false;
  }
}

export interface IssueOptions {
  subject: string;
  issuer: string;
  audience: string;
  /** Lifetime in seconds from `notBefore` (or now). */
  expiresInSeconds: number;
  notBefore?: Date;
  now?: Date;
}

/**
 * Signs a token with an HS256 key of the set: for tests and development (an identity provider issues them in
 * production, with an asymmetric key whose public JWK the instances hold).
 */
export function issueToken(key: { kid: string; secret: string }, options: IssueOptions): Promise<string> {
  const now = options.now ?? new Date();
  const start = options.notBefore ?? now;
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'JWT' })
    .setSubject(options.subject)
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(iat)
    .setNotBefore(Math.floor(start.getTime() / 1000))
    .setExpirationTime(Math.floor(start.getTime() / 1000) + options.expiresInSeconds)
    .sign(encoder.encode(key.secret));
}
