// Where the local stack's broker and registry listen, and whether they answer. Plain dependency-free ESM: the stack
// controller (infra/local-stack/stack.mjs) imports it by path before `npm install` has ever run, and runnables'
// CLIs import it by name to fall back on the local stack without depending on the infra that starts it.

import net from 'node:net';

/** The ports when no PASSERELLE_*_PORT overrides them; the Docker stack publishes the same ones. */
export const DEFAULT_PORTS = Object.freeze({
  kafka: 9092,
  kafkaController: 9093,
  registry: 8081,
  registryManagement: 9081,
});

export class StackError extends Error {
  name = 'StackError';
}

const port = (env, name, fallback) => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new StackError(`${name}=${raw} is not a TCP port`);
  return value;
};

/** The local stack's ports (PASSERELLE_KAFKA_PORT… or the defaults) and the addresses clients use. */
export function stackAddress(env = process.env) {
  const ports = {
    kafka: port(env, 'PASSERELLE_KAFKA_PORT', DEFAULT_PORTS.kafka),
    kafkaController: port(env, 'PASSERELLE_KAFKA_CONTROLLER_PORT', DEFAULT_PORTS.kafkaController),
    registry: port(env, 'PASSERELLE_REGISTRY_PORT', DEFAULT_PORTS.registry),
    registryManagement: port(env, 'PASSERELLE_REGISTRY_MANAGEMENT_PORT', DEFAULT_PORTS.registryManagement),
  };
  return {
    host: '127.0.0.1',
    ports,
    kafkaBrokers: `127.0.0.1:${ports.kafka}`,
    schemaRegistryUrl: `http://127.0.0.1:${ports.registry}/apis/ccompat/v7`,
  };
}

/**
 * True when a Kafka broker answers an ApiVersions request on `portNumber` — the broker only processes requests
 * once its start-up is complete, so this is a real readiness check, not merely an open socket.
 */
export function kafkaAnswers(portNumber, host = '127.0.0.1') {
  const clientId = Buffer.from('passerelle-stack-probe');
  const header = Buffer.alloc(2 + 2 + 4 + 2);
  header.writeInt16BE(18, 0); // ApiVersions
  header.writeInt16BE(0, 2); // version 0: never removed, every broker answers it
  header.writeInt32BE(4242, 4); // correlation id
  header.writeInt16BE(clientId.length, 8);
  const body = Buffer.concat([header, clientId]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return new Promise((done) => {
    const socket = net.connect({ host, port: portNumber });
    let received = Buffer.alloc(0);
    const finish = (ok) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(2000);
    socket.once('connect', () => socket.write(Buffer.concat([size, body])));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 10) finish(received.readInt32BE(4) === 4242 && received.readInt16BE(8) === 0);
    });
    socket.once('error', () => finish(false));
    socket.once('timeout', () => finish(false));
    socket.once('end', () => finish(false));
  });
}

export async function registryAnswers(schemaRegistryUrl) {
  try {
    const response = await fetch(`${schemaRegistryUrl}/subjects`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}
