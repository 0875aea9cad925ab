// The baseline of the request path: the same topology as Passerelle's — HTTP in → request topic → a decider owning
// the session's places → decision topic → the HTTP process answering the prescriber — written with plain kafkajs:
// at-least-once (acks=all, kafkajs's default producer, offsets committed after each batch), JSON values, no registry,
// no transactions, no read models. The decider and the HTTP side each run in a process of their own, as Kairos and Ouiform do, and the
// prescriber (the benchmark's client) in a third.
//   node ... plain-request-path.ts decider <brokers> <requests topic> <decisions topic>
//   node ... plain-request-path.ts http <brokers> <requests topic> <decisions topic> <wait ms>
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { httpJson } from './http-client.js';
import type { Prescribe } from './request-path.js';

interface PlainRequest {
  requestId: string;
  sessionKey: string;
  modalityId: string;
  de: { ftId: string; lastName: string; firstName: string };
}

interface PlainDecision {
  requestId: string;
  outcome: 'REGISTERED' | 'REFUSED';
  registrationId: string | null;
}

const CAPACITY = 10_000;

const kafkaOf = (brokers: string, clientId: string) =>
  new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });

/** The decider: places per ICO, a registration per request (a request id seen before is answered again). */
async function runDecider(brokers: string, requests: string, decisions: string) {
  const kafka = kafkaOf(brokers, 'plain-decider');
  // kafkajs's defaults: not idempotent, so sends go out concurrently (an idempotent producer keeps one request in
  // flight and would queue every HTTP request behind the others — the baseline is not handicapped).
  const producer = kafka.producer();
  await producer.connect();
  const consumer = kafka.consumer({ groupId: `plain-decider-${requests}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: requests, fromBeginning: true });
  const registered = new Map<string, number>();
  const answered = new Map<string, PlainDecision>();
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch }) => {
      const out = batch.messages.map((message) => {
        const request = JSON.parse((message.value as Buffer).toString()) as PlainRequest;
        let decision = answered.get(request.requestId);
        if (!decision) {
          const taken = registered.get(request.modalityId) ?? 0;
          const placed = taken < CAPACITY;
          decision = {
            requestId: request.requestId,
            outcome: placed ? 'REGISTERED' : 'REFUSED',
            registrationId: placed ? `REG-${request.requestId}` : null,
          };
          registered.set(request.modalityId, taken + 1);
          answered.set(request.requestId, decision);
        }
        return { key: message.key, value: JSON.stringify(decision) };
      });
      await producer.send({ topic: decisions, acks: -1, messages: out });
    },
  });
  process.send?.({ ready: true });
}

/** The HTTP side: POST publishes and answers the decision (201) or 202 after `waitMs`; GET answers a poll. */
async function runHttp(brokers: string, requests: string, decisions: string, waitMs: number) {
  const kafka = kafkaOf(brokers, 'plain-http');
  const producer = kafka.producer();
  await producer.connect();
  const decided = new Map<string, PlainDecision>();
  const waiters = new Map<string, (decision: PlainDecision) => void>();
  const consumer = kafka.consumer({ groupId: `plain-http-${decisions}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: decisions, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const decision = JSON.parse((message.value as Buffer).toString()) as PlainDecision;
      decided.set(decision.requestId, decision);
      waiters.get(decision.requestId)?.(decision);
    },
  });
  const wait = (requestId: string) =>
    new Promise<PlainDecision | undefined>((resolve) => {
      const timer = setTimeout(() => {
        waiters.delete(requestId);
        resolve(undefined);
      }, waitMs);
      waiters.set(requestId, (decision) => {
        clearTimeout(timer);
        waiters.delete(requestId);
        resolve(decision);
      });
    });
  const server = createServer((request, response) => {
    const answer = (status: number, body: unknown) => {
      response.statusCode = status;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET') {
      const requestId = decodeURIComponent(request.url?.split('/').at(-1) ?? '');
      answer(200, { requestId, decision: decided.get(requestId) ?? null });
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as PlainRequest;
        await producer.send({
          topic: requests,
          acks: -1,
          messages: [{ key: body.sessionKey, value: JSON.stringify(body) }],
        });
        const decision = decided.get(body.requestId) ?? (await wait(body.requestId));
        answer(decision ? 201 : 202, { requestId: body.requestId, decision: decision ?? null });
      })().catch(() => answer(500, {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

/** Starts the baseline's two processes on fresh topics; `prescribe` then drives it as the benchmark drives Ouiform. */
export class PlainRequestPath {
  readonly #brokers: string;
  readonly #partitions: number;
  readonly #topics: { requests: string; decisions: string };
  readonly children: ChildProcess[] = [];
  url = '';

  constructor(brokers: string, partitions: number) {
    this.#brokers = brokers;
    this.#partitions = partitions;
    const suffix = randomBytes(3).toString('hex');
    this.#topics = { requests: `bench.plain.requests.${suffix}`, decisions: `bench.plain.decisions.${suffix}` };
  }

  async start(waitMs: number): Promise<void> {
    const admin = kafkaOf(this.#brokers, 'plain-admin').admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(this.#topics).map((topic) => ({ topic, numPartitions: this.#partitions })),
    });
    await admin.disconnect();
    const { requests, decisions } = this.#topics;
    await this.#spawn(['decider', this.#brokers, requests, decisions]);
    const { url } = (await this.#spawn(['http', this.#brokers, requests, decisions, String(waitMs)])) as {
      url: string;
    };
    this.url = url;
  }

  async #spawn(args: string[]): Promise<unknown> {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.children.push(child);
    const [message] = await once(child, 'message');
    return message;
  }

  /** The prescriber's side, as for Passerelle: POST, and a 202 is polled until the decision shows. */
  prescribe(sessions: readonly { sessionKey: string; modalityId: string }[], runId: string): Prescribe {
    return async (i) => {
      const session = sessions[i % sessions.length] as { sessionKey: string; modalityId: string };
      const requestId = `plain-${runId}-${i}`;
      const answer = await httpJson<{ decision: PlainDecision | null }>('POST', `${this.url}/prescriptions`, {
        body: {
          requestId,
          sessionKey: session.sessionKey,
          modalityId: session.modalityId,
          de: { ftId: `L${String(i).padStart(7, '0')}`, lastName: 'Banc', firstName: 'Essai' },
        } satisfies PlainRequest,
      });
      let { decision } = answer.body;
      const patience = Date.now() + 30_000;
      while (!decision && Date.now() < patience) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        ({ decision } = (
          await httpJson<{ decision: PlainDecision | null }>(
            'GET',
            `${this.url}/prescriptions/${encodeURIComponent(requestId)}`,
          )
        ).body);
      }
      return { status: answer.status, decided: decision !== null };
    };
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null) return;
        child.kill('SIGKILL');
        await once(child, 'exit');
      }),
    );
  }
}

const [role, brokers, requests, decisions, waitMs] = process.argv.slice(2);
if (role === 'decider') await runDecider(brokers as string, requests as string, decisions as string);
if (role === 'http') await runHttp(brokers as string, requests as string, decisions as string, Number(waitMs));
