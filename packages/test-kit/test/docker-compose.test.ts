import { readFileSync } from 'node:fs';
import { APICURIO_VERSION, DEFAULT_PORTS, dockerComposeFile, stackConfig } from '@passerelle/infra/local-stack';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs on the machines that build Passerelle, so the Docker stack is checked by reading it:
// it must offer the same broker and registry, on the same loopback ports, as the no-Docker local stack.

interface ComposeService {
  image: string;
  ports: string[];
  environment: Record<string, string | number>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(dockerComposeFile, 'utf8')) as { services: Record<string, ComposeService> };
const local = stackConfig();
const service = (name: string) => {
  const found = compose.services[name];
  if (!found) throw new Error(`infra/docker-compose.yml has no '${name}' service`);
  return found;
};

describe('infra/docker-compose.yml', () => {
  it('when parsed, then it has exactly a kafka and a registry service, each with a health check', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['kafka', 'registry']);
    expect(service('kafka').healthcheck?.test.length).toBeGreaterThan(0);
    expect(service('registry').healthcheck?.test.length).toBeGreaterThan(0);
  });

  it('when compared with the local stack, then the images carry the same Kafka and Apicurio versions', () => {
    expect(service('kafka').image).toBe(`apache/kafka:${local.kafka.version}`);
    expect(service('registry').image).toBe(`apicurio/apicurio-registry:${APICURIO_VERSION}`);
  });

  it('when compared with the local stack, then both publish on the same loopback ports', () => {
    expect(service('kafka').ports).toEqual([`127.0.0.1:${DEFAULT_PORTS.kafka}:9092`]);
    expect(service('kafka').environment.KAFKA_ADVERTISED_LISTENERS).toContain(
      `PLAINTEXT://127.0.0.1:${DEFAULT_PORTS.kafka}`,
    );
    expect(service('registry').ports).toEqual([`127.0.0.1:${DEFAULT_PORTS.registry}:8080`]);
  });

  it('when compared with the local stack, then transactions work on one broker and BACKWARD compatibility is enforced', () => {
    const kafka = service('kafka').environment;
    expect(kafka.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe(1);
    expect(kafka.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR).toBe(1);
    expect(kafka.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
    expect(service('registry').environment.APICURIO_RULES_GLOBAL_COMPATIBILITY).toBe('BACKWARD');
  });
});
