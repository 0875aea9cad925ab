import { describe, expect, it } from 'vitest';
import { connectorState, parseTargets } from './targets.js';

describe('ADMIN_TARGETS', () => {
  it('when well formed, then each name maps to its base URL without trailing slash', () => {
    expect(parseTargets('sofi=http://127.0.0.1:8710/, kairos=https://kairos.internal:443')).toEqual([
      { name: 'sofi', url: 'http://127.0.0.1:8710' },
      { name: 'kairos', url: 'https://kairos.internal:443' },
    ]);
    expect(parseTargets('')).toEqual([]);
  });

  it('when malformed or repeated, then every problem is named at once', () => {
    expect(() => parseTargets('sofi=ftp://x,kairos,sofi=http://a,sofi=http://b')).toThrow(
      '"sofi=ftp://x" is not name=http(s)://host:port; "kairos" is not name=http(s)://host:port; sofi is named twice',
    );
  });
});

describe('a connector state from its consumers (Kafka Connect)', () => {
  const tasks = (...states: Array<'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING' | 'UNASSIGNED' | 'STOPPED'>) =>
    states.map((state) => ({ state }));

  it.each([
    [true, tasks('RUNNING', 'FAILED'), 'FAILED'],
    [true, tasks('RUNNING', 'RESTARTING'), 'RESTARTING'],
    [true, tasks('PAUSED', 'PAUSED'), 'PAUSED'],
    [true, tasks('PAUSED', 'RUNNING'), 'RUNNING'],
    [true, tasks('UNASSIGNED'), 'UNASSIGNED'],
    [true, tasks('STOPPED'), 'STOPPED'],
    [true, tasks(), 'RUNNING'],
    [false, tasks('RUNNING'), 'UNASSIGNED'],
  ] as const)('reachable %s, tasks %j → %s', (reachable, given, expected) => {
    expect(connectorState(reachable, given)).toBe(expected);
  });
});
