// The benchmark's HTTP client, the same for Passerelle and the baseline: node:http with keep-alive connections.
// fetch (undici) costs the client about a millisecond of CPU per request; on two cores shared with everything it
// measured, the client itself fell behind its schedule and its queue showed up as the server's latency.
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 512 });

export interface JsonAnswer<T> {
  status: number;
  body: T;
}

/** One JSON request; the body of any answer is parsed (problem+json included), never thrown. */
export function httpJson<T>(
  method: 'GET' | 'POST',
  url: string,
  { body, token }: { body?: unknown; token?: string } = {},
): Promise<JsonAnswer<T>> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method,
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: incoming.statusCode ?? 0, body: (text ? JSON.parse(text) : {}) as T });
          } catch (error) {
            reject(error);
          }
        });
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}
