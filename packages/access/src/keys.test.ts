import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { accessKeysSchema, InvalidTokenError, issueToken, looksLikeJwt, TokenVerifier } from './keys.js';

const OLD = { kid: 'k-2026-01', secret: 'old-secret-of-the-tests-000000000000' };
const NEW = { kid: 'k-2026-07', secret: 'new-secret-of-the-tests-000000000000' };
const claims = { subject: 'of-44', issuer: 'passerelle-access', audience: 'service-journey', expiresInSeconds: 300 };
const verifier = (keys = [OLD, NEW]) =>
  new TokenVerifier({ keys, issuer: 'passerelle-access', audience: 'service-journey' });

const reasonOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof InvalidTokenError ? error.reason : `other: ${String(error)}`),
  );

describe('TokenVerifier (jose)', () => {
  it('when a token is signed with either kid of the set, then its subject and expiry come out', async () => {
    for (const key of [OLD, NEW]) {
      const verified = await verifier().verify(await issueToken(key, claims));
      expect(verified.subject).toBe('of-44');
      expect(verified.expiresAt.getTime()).toBeGreaterThan(Date.now());
    }
  });

  it('when the old kid has been removed, then its tokens are refused and the new kid’s still pass', async () => {
    const rotated = verifier([NEW]);
    expect(await reasonOf(rotated.verify(await issueToken(OLD, claims)))).toBe('unknown kid');
    expect((await rotated.verify(await issueToken(NEW, claims))).subject).toBe('of-44');
  });

  it('when expired, not yet valid, for another audience or issuer, then each is refused with its reason', async () => {
    const v = verifier();
    const hourAgo = new Date(Date.now() - 3600_000);
    expect(await reasonOf(v.verify(await issueToken(OLD, { ...claims, now: hourAgo, expiresInSeconds: 60 })))).toBe(
      'ERR_JWT_EXPIRED',
    );
    const later = new Date(Date.now() + 3600_000);
    expect(await reasonOf(v.verify(await issueToken(OLD, { ...claims, notBefore: later })))).toBe(
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    );
    expect(await reasonOf(v.verify(await issueToken(OLD, { ...claims, audience: 'connector-kairos' })))).toBe(
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    );
    expect(await reasonOf(v.verify(await issueToken(OLD, { ...claims, issuer: 'someone-else' })))).toBe(
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    );
  });

  it('when a token is tampered with, signed with an unknown secret or unsigned, then it is refused', async () => {
    const v = verifier();
    const [header, payload, signature] = (await issueToken(OLD, claims)).split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'ops-1' }),
    );
    expect(await reasonOf(v.verify(`${header}.${forged.toString('base64url')}.${signature}`))).toBe(
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    );
    const stranger = await issueToken({ kid: OLD.kid, secret: 'not-the-secret-of-the-set-00000000000' }, claims);
    expect(await reasonOf(v.verify(stranger))).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: OLD.kid })).toString('base64url')}.${payload}.`;
    expect(await reasonOf(v.verify(none))).not.toBe('accepted');
    expect(await reasonOf(v.verify('not.a.jwt'))).not.toBe('accepted');
  });

  it('when the set holds a public JWK, then its algorithm is the only one it accepts (no HS256 with it as secret)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256' };
    const v = new TokenVerifier({
      keys: accessKeysSchema.parse(JSON.stringify([{ kid: 'idp-1', jwk }])),
      issuer: 'passerelle-access',
      audience: 'service-journey',
    });
    const signed = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
      .setSubject('of-44')
      .setIssuer('passerelle-access')
      .setAudience('service-journey')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await v.verify(signed)).subject).toBe('of-44');
    const confused = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'idp-1' })
      .setSubject('ops-1')
      .setIssuer('passerelle-access')
      .setAudience('service-journey')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(jwk)));
    // Refused by jose's allow-list (the set's algorithms) before the kid's own algorithm is even compared.
    expect(['ERR_JOSE_ALG_NOT_ALLOWED', 'algorithm not the key’s']).toContain(await reasonOf(v.verify(confused)));
  });

  it('when ACCESS_JWT_KEYS is parsed, then short secrets, private JWKs and duplicate kids are refused', () => {
    expect(accessKeysSchema.parse(undefined)).toEqual([]);
    expect(accessKeysSchema.parse(JSON.stringify([OLD, NEW]))).toEqual([OLD, NEW]);
    for (const bad of [
      [{ kid: 'a', secret: 'short' }],
      [{ kid: 'a', jwk: { kty: 'EC', alg: 'ES256', d: 'private' } }],
      [OLD, { ...NEW, kid: OLD.kid }],
      'not json',
    ])
      expect(accessKeysSchema.safeParse(typeof bad === 'string' ? bad : JSON.stringify(bad)).success).toBe(false);
  });

  it('when a bearer is told apart, then only a three-part JWS with a header counts as a JWT', async () => {
    expect(looksLikeJwt(await issueToken(OLD, claims))).toBe(true);
    expect(looksLikeJwt('dev-journey-ops-token-0000')).toBe(false);
    expect(looksLikeJwt('a.b.c')).toBe(false);
  });
});
