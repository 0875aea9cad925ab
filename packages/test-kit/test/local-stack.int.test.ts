import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaAnswers, registryAnswers, type StackStatus, stackConfig } from '@passerelle/infra/local-stack';
import { afterAll, describe, expect, it } from 'vitest';
import { patience, waitFor } from '../src/index.js';

// The local stack's lifecycle through its real CLI, on a second stack (own state folder, own ports) beside the
// one the other tests use, sharing only the download cache.

const cli = fileURLToPath(import.meta.resolve('@passerelle/infra/local-stack'));
const stateDir = mkdtempSync(join(tmpdir(), 'passerelle-stack-test-'));
const ports = {
  PASSERELLE_KAFKA_PORT: '19092',
  PASSERELLE_KAFKA_CONTROLLER_PORT: '19093',
  PASSERELLE_REGISTRY_PORT: '18081',
  PASSERELLE_REGISTRY_MANAGEMENT_PORT: '19081',
};
const env = { ...process.env, ...ports, PASSERELLE_STACK_DIR: stateDir, PASSERELLE_CACHE_DIR: stackConfig().cacheDir };
const registryUrl = 'http://127.0.0.1:18081/apis/ccompat/v7';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const stack = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      // A JVM's start on a busy machine: bounded like every wait of the run.
      { env: { ...env, ...extraEnv }, timeout: patience(240_000) },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

const statusOf = async () => JSON.parse((await stack(['status', '--json'])).stdout) as StackStatus;
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterAll(async () => {
  await stack(['down', '--purge']);
  rmSync(stateDir, { recursive: true, force: true });
});

// Each test runs the CLI, which starts (or restarts) a JVM or two and waits for them: as long as one CLI call may take.
describe('the no-Docker local stack', { timeout: patience(240_000) }, () => {
  it('when brought up, then the broker and the registry answer and a second up changes nothing', async () => {
    const first = await stack(['up']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('127.0.0.1:19092');
    expect(first.stdout).toContain(registryUrl);
    expect(await kafkaAnswers(19092)).toBe(true);
    expect(await registryAnswers(registryUrl)).toBe(true);
    const before = await statusOf();

    const second = await stack(['up']);

    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.match(/already running/g)).toHaveLength(2);
    const after = await statusOf();
    expect([after.kafka.pid, after.registry.pid]).toEqual([before.kafka.pid, before.registry.pid]);
  });

  it('when the broker has crashed, then up detects it and restarts it', async () => {
    const { kafka } = await statusOf();
    process.kill(kafka.pid as number, 'SIGKILL');
    await waitFor(() => !isAlive(kafka.pid as number), {
      description: `the killed broker (pid ${kafka.pid}) to be gone`,
    });

    const restarted = await stack(['up']);

    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stderr).toContain('kafka is not running any more (crashed or killed): restarting it');
    const after = await statusOf();
    expect(after.kafka.pid).not.toBe(kafka.pid);
    expect(after.kafka.answers).toBe(true);
  });

  it('when another stack holds the ports, then up fails naming the taken port', async () => {
    const otherStateDir = mkdtempSync(join(tmpdir(), 'passerelle-stack-other-'));
    try {
      const clash = await stack(['up'], { PASSERELLE_STACK_DIR: otherStateDir });
      expect(clash.code).toBe(1);
      expect(clash.stderr).toMatch(/Port 1(9092|8081) is already taken by a process this stack did not start/);
    } finally {
      // Should the clash not happen, nothing of the other stack may outlive the test.
      await stack(['down', '--purge'], { PASSERELLE_STACK_DIR: otherStateDir });
      rmSync(otherStateDir, { recursive: true, force: true });
    }
  });

  it('when brought down, then exactly its processes stop, and purge removes the state folder', async () => {
    const { kafka, registry } = await statusOf();

    const stopped = await stack(['down']);

    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain(`kafka (pid ${kafka.pid})`);
    expect(stopped.stdout).toContain(`registry (pid ${registry.pid})`);
    expect(isAlive(kafka.pid as number) || isAlive(registry.pid as number)).toBe(false);
    expect((await stack(['down'])).stdout).toContain('Nothing of the local stack was running');
    expect(await stack(['down', '--purge'])).toMatchObject({ code: 0 });
    expect(existsSync(stateDir)).toBe(false);
  });

  it('when Java is missing, then up says so and how to get it', async () => {
    const noJava = await stack(['up'], { PATH: '/nonexistent' });
    expect(noJava.code).toBe(1);
    expect(noJava.stderr).toContain('Java 17 or newer is required');
  });

  it('when a download fails, then up says what could not be fetched and leaves no half-filled cache', async () => {
    const emptyCache = mkdtempSync(join(tmpdir(), 'passerelle-cache-'));
    try {
      const offline = await stack(['up'], {
        PASSERELLE_CACHE_DIR: emptyCache,
        PASSERELLE_MAVEN_ARGS: `-o -Dmaven.repo.local=${join(emptyCache, 'm2')}`,
        PASSERELLE_STACK_DIR: join(emptyCache, 'state'),
      });
      expect(offline.code).toBe(1);
      expect(offline.stderr).toMatch(/Could not fetch (Apache Kafka|Apicurio Registry) .* from Maven Central/);
      expect(existsSync(join(emptyCache, `kafka-${stackConfig().kafka.version}`, '.complete'))).toBe(false);
    } finally {
      rmSync(emptyCache, { recursive: true, force: true });
    }
  });
});
