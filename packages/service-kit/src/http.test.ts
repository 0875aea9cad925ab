import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createHttpServer, loggedUrl } from './http.js';
import { createLogger } from './logger.js';

describe('request logging', () => {
  it('when a URL has a query, then its values are masked and its parameter names kept', () => {
    expect(loggedUrl('/des?lastName=Lef%C3%A8vre&firstName=Nadia&lastName=x')).toBe('/des?lastName=…&firstName=…');
    expect(loggedUrl('/sessions/a%7Cb')).toBe('/sessions/a%7Cb');
  });

  it('when a request with a name in its query is answered, then the log line has the route, not the name', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const http = createHttpServer({ log: createLogger({ service: 'test', destination }) });
    http.get('/des', async () => ({ results: [] }));
    await http.ready();
    const answer = await http.inject({ method: 'GET', url: '/des?lastName=Lef%C3%A8vre&firstName=Nadia' });
    await http.close();
    expect(answer.statusCode).toBe(200);
    const answered = lines.map((line) => JSON.parse(line)).find((line) => line.msg === 'request answered');
    expect(answered).toMatchObject({ method: 'GET', url: '/des?lastName=…&firstName=…', status: 200 });
    expect(lines.join('')).not.toMatch(/Lef|Nadia/);
  });
});
