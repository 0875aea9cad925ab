import { createHmac } from 'node:crypto';
import type { ProblemError } from '@passerelle/service-kit';
import { describe, expect, it } from 'vitest';
import { CatalogueTokens } from './auth.js';
import { signDeToken, verifyDeToken } from './de-token.js';

const KEY = 'unit-test-de-token-key-0123456789abcdef';
const NOW = new Date('2030-03-01T10:00:00Z');
const IN_AN_HOUR = new Date('2030-03-01T11:00:00Z');

/** A token signed over any payload text, as a forger or a buggy issuer would make it. */
const signedOver = (payload: unknown, key = KEY) => {
  const part = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString('base64url');
  return `de1.${part}.${createHmac('sha256', key).update(`de1.${part}`).digest('base64url')}`;
};

describe('signed DE tokens', () => {
  it('when a token is signed with the key and not expired, then it gives the DE and his channels', () => {
    const token = signDeToken(KEY, { deIdentifier: '3012345c', channels: ['TMF'], expiresAt: IN_AN_HOUR });
    expect(token).toMatch(/^de1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString())).toEqual({
      sub: '3012345c',
      channels: ['TMF'],
      exp: IN_AN_HOUR.getTime() / 1000,
    });
    expect(verifyDeToken(KEY, token, NOW)).toEqual({
      valid: true,
      claims: { deIdentifier: '3012345C', channels: ['TMF'], expiresAt: IN_AN_HOUR },
    });
    const everywhere = verifyDeToken(KEY, signDeToken(KEY, { deIdentifier: '3012345C', expiresAt: IN_AN_HOUR }), NOW);
    expect(everywhere).toEqual({ valid: true, claims: { deIdentifier: '3012345C', expiresAt: IN_AN_HOUR } });
  });

  it('when the payload, the signature or the key differs, then the signature does not hold', () => {
    const token = signDeToken(KEY, { deIdentifier: '3012345C', expiresAt: IN_AN_HOUR });
    const [version, , signature] = token.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ sub: '3098765D', exp: IN_AN_HOUR.getTime() / 1000 })).toString(
      'base64url',
    );
    const flipped = `${signature?.slice(0, -2)}${signature?.at(-2) === 'A' ? 'B' : 'A'}${signature?.at(-1)}`;
    for (const forged of [
      `${version}.${otherPayload}.${signature}`,
      `${token.slice(0, token.lastIndexOf('.'))}.${flipped}`,
      `${token}A`,
      signDeToken('another-key-of-at-least-32-characters!', { deIdentifier: '3012345C', expiresAt: IN_AN_HOUR }),
    ])
      expect(verifyDeToken(KEY, forged, NOW)).toEqual({ valid: false, reason: 'BAD_SIGNATURE' });
  });

  it('when the token reached its exp second, then it is expired (only once its signature holds)', () => {
    const token = signDeToken(KEY, { deIdentifier: '3012345C', expiresAt: NOW });
    expect(verifyDeToken(KEY, token, new Date(NOW.getTime() - 1))).toMatchObject({ valid: true });
    expect(verifyDeToken(KEY, token, NOW)).toEqual({ valid: false, reason: 'EXPIRED' });
    expect(verifyDeToken('another-key-of-at-least-32-characters!', token, NOW)).toEqual({
      valid: false,
      reason: 'BAD_SIGNATURE',
    });
  });

  it('when the token is not of the format, or its signed payload is not a valid one, then it is malformed', () => {
    const exp = IN_AN_HOUR.getTime() / 1000;
    for (const token of [
      '',
      'de1',
      'de1..',
      'de1.abc',
      'de2.abc.def',
      'de1.a b.def',
      'de1.abc.def.ghi',
      `de1.${'A'.repeat(3000)}.def`,
      signedOver('not json'),
      signedOver([1, 2]),
      signedOver({ exp }),
      signedOver({ sub: '123', exp }),
      signedOver({ sub: '3012345C!', exp }),
      signedOver({ sub: '3012345C', exp: String(exp) }),
      signedOver({ sub: '3012345C', exp: exp + 0.5 }),
      signedOver({ sub: '3012345C', exp: 1e15 }),
      signedOver({ sub: '3012345C', exp, channels: [] }),
      signedOver({ sub: '3012345C', exp, channels: ['TMF', 'SOMEWHERE'] }),
      signedOver({ sub: '3012345C', exp, channels: 'TMF' }),
    ])
      expect(verifyDeToken(KEY, token, NOW), token.slice(0, 60)).toEqual({ valid: false, reason: 'MALFORMED' });
  });

  it('when an issuer would sign what the catalogue refuses, then signing throws without echoing the identifier', () => {
    expect(() => signDeToken('short', { deIdentifier: '3012345C', expiresAt: IN_AN_HOUR })).toThrow(/32/);
    expect(() => signDeToken(KEY, { deIdentifier: 'ID-12345!', expiresAt: IN_AN_HOUR })).toThrow(/^(?!.*ID-12345!).*$/);
    expect(() => signDeToken(KEY, { deIdentifier: '3012345C', channels: [], expiresAt: IN_AN_HOUR })).toThrow();
    expect(() => signDeToken(KEY, { deIdentifier: '3012345C', expiresAt: new Date(Number.NaN) })).toThrow();
  });
});

describe('catalogue tokens with signed DE tokens', () => {
  const tokens = new CatalogueTokens(new Map([['static-search-token-0000', { role: 'SEARCH' as const }]]), {
    deTokenKey: KEY,
    clock: () => NOW,
  });
  const bearer = (token: string) => `Bearer ${token}`;
  const statusOf = (act: () => unknown) => {
    try {
      act();
      return 200;
    } catch (error) {
      return (error as ProblemError).problem.status;
    }
  };

  it('when a DE presents a valid signed token, then he acts on the DE channels as the DE it names', () => {
    const token = signDeToken(KEY, { deIdentifier: '3012345c', expiresAt: IN_AN_HOUR });
    expect(tokens.requireDe(bearer(token), 'TMF')).toEqual({ deIdentifier: '3012345C' });
    expect(tokens.requireDe(bearer(token), 'MA_FORMATION')).toEqual({ deIdentifier: '3012345C' });
    expect(statusOf(() => tokens.requireDe(bearer(token), 'OUIFORM'))).toBe(403);
    expect(statusOf(() => tokens.requireSearch(bearer(token), 'TMF'))).toBe(200);
  });

  it('when the token names its channels, then another channel is 403', () => {
    const token = signDeToken(KEY, { deIdentifier: '3012345C', channels: ['TMF'], expiresAt: IN_AN_HOUR });
    expect(statusOf(() => tokens.requireDe(bearer(token), 'TMF'))).toBe(200);
    expect(statusOf(() => tokens.requireDe(bearer(token), 'MA_FORMATION'))).toBe(403);
    expect(statusOf(() => tokens.requireSearch(bearer(token), 'MA_FORMATION'))).toBe(403);
  });

  it('when the token is expired, tampered or malformed, then 401 (a detail only for the expired one)', () => {
    const expired = signDeToken(KEY, { deIdentifier: '3012345C', expiresAt: NOW });
    const problem = (token: string) => {
      try {
        tokens.requireDe(bearer(token), 'TMF');
      } catch (error) {
        return (error as ProblemError).problem;
      }
      throw new Error('accepted');
    };
    expect(problem(expired)).toMatchObject({ status: 401, detail: expect.stringContaining('expired') });
    const tampered = `${expired.slice(0, -1)}${expired.endsWith('x') ? 'y' : 'x'}`;
    for (const refused of [problem(tampered), problem('de1.not-a-token')]) {
      expect(refused.status).toBe(401);
      expect(refused.detail).toBeUndefined();
    }
    // Without a key, signed tokens are not accepted at all.
    const valid = signDeToken(KEY, { deIdentifier: '3012345C', expiresAt: IN_AN_HOUR });
    expect(statusOf(() => new CatalogueTokens(new Map()).requireDe(bearer(valid), 'TMF'))).toBe(401);
  });
});
