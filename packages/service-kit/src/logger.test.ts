import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger({ service: 'test', level: 'debug', destination }), lines };
}

describe('createLogger redaction', () => {
  it('when a DE identity is logged at any depth, then every personal field is censored and ids stay', () => {
    const { log, lines } = captureLogs();

    log.info(
      {
        journeyId: 'j-123',
        deIdentifier: '1234567A',
        request: { de: { deIdentifier: '1234567A', lastName: 'Martin' } },
        event: { payload: { person: { firstName: 'Henri', email: 'h@example.org', phone: '0611111111' } } },
        registration: { contact: { email: 'x@example.org' } },
      },
      'positioning received',
    );

    const line = lines[0] as Record<string, unknown>;
    const text = JSON.stringify(line);
    for (const secret of ['1234567A', 'Martin', 'Henri', 'h@example.org', '0611111111', 'x@example.org']) {
      expect(text).not.toContain(secret);
    }
    expect(line.journeyId).toBe('j-123');
    expect(line.deIdentifier).toBe('[REDACTED]');
    expect((line.request as Record<string, unknown>).de).toBe('[REDACTED]');
    expect(((line.registration as Record<string, unknown>).contact as Record<string, unknown>).email).toBe(
      '[REDACTED]',
    );
  });

  it('when an HTTP request is logged, then its authorization header is censored', () => {
    const { log, lines } = captureLogs();

    log.info({ req: { method: 'GET', headers: { authorization: 'Bearer s3cret', host: 'x' } } }, 'request');

    const headers = ((lines[0] as Record<string, unknown>).req as { headers: Record<string, string> }).headers;
    expect(headers.authorization).toBe('[REDACTED]');
    expect(headers.host).toBe('x');
  });

  it('when a line is written, then it carries the service and an ISO time', () => {
    const { log, lines } = captureLogs();
    log.warn('something');
    expect(lines[0]).toMatchObject({ service: 'test', level: 'warn', msg: 'something' });
    expect(String((lines[0] as Record<string, unknown>).time)).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});
