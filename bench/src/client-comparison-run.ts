// The client comparison's run: its options, sizes, names (topics and groups unique to the run), the ABBA order,
// and the kafkajs admin both clients' measurements are checked with (never inside a measurement).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { kafkajsAdmin } from './client-comparison-kafkajs.js';
import { type ClientName, type ClientUnderTest, sleep } from './client-comparison-shared.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};
export const json = args.includes('--json');
export const MESSAGES = Number(option('messages') ?? 20_000);
export const BATCH = 500;
export const SINGLES = Number(option('singles') ?? 2_000);
export const E2E_RATE = 200;
export const E2E_SECONDS = 10;
export const PARTITIONS = 6;
export const CONCURRENCY = 3;
const first: ClientName = option('first') === 'platformatic' ? 'platformatic' : 'kafkajs';
const second: ClientName = first === 'kafkajs' ? 'platformatic' : 'kafkajs';
/** ABBA: the client measured first alternates from phase to phase and from round to round. */
export const orderFor = (phase: number, round: number): ClientName[] =>
  (phase + round) % 2 === 1 ? [first, second] : [second, first];
export const ROUNDS = Number(option('rounds') ?? 5);
export const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
export const topic = (name: string) => `bench.clients.${run}.${name}`;
export const group = (name: string) => `bench.clients.${run}.${name}`;
export const NAMES: ClientName[] = ['kafkajs', 'platformatic'];
/** kafkajs' admin for both clients' topics, groups and checks (never inside a measurement). */
export const admin = kafkajsAdmin(brokers, `bench-clients-admin-${run}`);

export type Row = Record<string, unknown>;
export type PerClient = Partial<Record<ClientName, Row>>;

export async function guarded(work: () => Promise<Row>): Promise<Row> {
  try {
    return await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const causes = (error as { errors?: Error[] }).errors?.map((cause) => cause.message);
    console.error('failed:', message, causes ?? '');
    return { error: message, ...(causes ? { causes } : {}) };
  }
}

export async function storedCount(name: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(name);
  return offsets.reduce((total, { high, low }) => total + Number(high) - Number(low), 0);
}

export async function committedOffsets(groupId: string, name: string) {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [name] });
  return (entry?.partitions ?? []).reduce((total, { offset }) => total + Math.max(0, Number(offset)), 0);
}

/** Messages a read_committed kafkajs reader sees in a topic (stops once the count is stable for 1.5 s). */
export async function readCommittedCount(client: ClientUnderTest, name: string, groupId: string): Promise<number> {
  let seen = 0;
  const reader = await client.startReader({
    topic: name,
    groupId,
    onMessage: () => {
      seen += 1;
    },
    onError: () => undefined,
  });
  let last = -1;
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    await sleep(1_500);
    if (seen === last && seen > 0) break;
    last = seen;
  }
  await reader.stop();
  return seen;
}
