import { describe, expect, it } from 'vitest';
import { journeyIdFor } from './journey-id.js';

const sessionKey = '14_AF_0000011111|14_SE_0000102222|SE_0000102222';

describe('journeyIdFor', () => {
  it('when two producers compute it for the same DE and session, then they get the same 64-hex id', () => {
    const id = journeyIdFor('secret', '1234567A', sessionKey);
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(journeyIdFor(Buffer.from('secret'), ' 1234567a ', sessionKey)).toBe(id);
  });

  it('when the session, the DE or the secret differ, then the id differs', () => {
    const id = journeyIdFor('secret', '1234567A', sessionKey);
    expect(journeyIdFor('secret', '1234567A', '14_AF_0000011111|14_SE_0000102222|SE_0000109999')).not.toBe(id);
    expect(journeyIdFor('secret', '7654321B', sessionKey)).not.toBe(id);
    expect(journeyIdFor('other', '1234567A', sessionKey)).not.toBe(id);
    expect(id).not.toContain('1234567');
  });

  it('when the identifier is malformed, then it throws without repeating the personal data', () => {
    const attempt = () => journeyIdFor('secret', 'DUPONT-JEAN', sessionKey);
    expect(attempt).toThrow(/value withheld/);
    expect(attempt).not.toThrow(/DUPONT/);
  });

  it('when the session key or the secret is malformed, then it throws', () => {
    expect(() => journeyIdFor('secret', '1234567A', 'SE_0000102222')).toThrow(/not a session key/);
    expect(() => journeyIdFor('secret', '1234567A', 'F||S')).toThrow(/not a session key/);
    expect(() => journeyIdFor('', '1234567A', sessionKey)).toThrow(/secret is empty/);
  });
});
