// Prerequisites and downloads: Java to run, Maven once to fetch Kafka and Apicurio Registry from Maven Central,
// cached under the cache folder.

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from '../../packages/stack-address/index.mjs';
import { here } from './config.mjs';

export function requireJava() {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) {
    throw new StackError(
      'Java 17 or newer is required to run the local stack, and `java` was not found on PATH.\n' +
        '  Debian/Ubuntu: apt-get install openjdk-17-jre-headless — or use the Docker stack (infra/docker-compose.yml).',
    );
  }
  const major = Number(/version "(\d+)/.exec(result.stderr)?.[1] ?? 0);
  if (major < 17)
    throw new StackError(`Java 17 or newer is required; \`java -version\` says: ${result.stderr.split('\n')[0]}`);
}

function requireMaven() {
  const result = spawnSync('mvn', ['--version'], { encoding: 'utf8' });
  if (result.error) {
    throw new StackError(
      'Maven is required once, to fetch Kafka and Apicurio Registry from Maven Central, and `mvn` was not found on PATH.\n' +
        '  Debian/Ubuntu: apt-get install maven — or use the Docker stack (infra/docker-compose.yml).',
    );
  }
}

function runMaven(args, logFile, what) {
  requireMaven();
  const out = openSync(logFile, 'w');
  // PASSERELLE_MAVEN_ARGS: extra mvn arguments, e.g. `-s corporate-settings.xml` behind a Maven mirror.
  const extra = (process.env.PASSERELLE_MAVEN_ARGS ?? '').split(/\s+/).filter(Boolean);
  const result = spawnSync('mvn', ['-B', '-ntp', ...extra, ...args], { stdio: ['ignore', out, out] });
  closeSync(out);
  if (result.status !== 0) {
    const tail = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).slice(-15).join('\n  ');
    throw new StackError(
      `Could not fetch ${what} from Maven Central (mvn exited ${result.status ?? result.signal}). Full log: ${logFile}\n  ${tail}`,
    );
  }
}

/** Fills `dir` once through a temporary sibling, so an interrupted download never looks complete. */
function ensureCached(dir, what, fill, log) {
  if (existsSync(join(dir, '.complete'))) return dir;
  log(`fetching ${what} from Maven Central (once; cached in ${dir})`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    fill(tmp);
    writeFileSync(join(tmp, '.complete'), `${new Date().toISOString()}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

export function ensureKafka(config, log) {
  return ensureCached(
    join(config.cacheDir, `kafka-${config.kafka.version}`),
    `Apache Kafka ${config.kafka.version}`,
    (tmp) => {
      runMaven(
        [
          '-f',
          join(here, 'kafka-dist.pom.xml'),
          'dependency:copy-dependencies',
          '-DincludeScope=runtime',
          `-DoutputDirectory=${join(tmp, 'libs')}`,
        ],
        join(tmp, 'mvn.log'),
        `Apache Kafka ${config.kafka.version}`,
      );
    },
    log,
  );
}

// Apicurio 3.0.x ships a legacy Quarkus jar (a runner jar beside lib/); 3.0.x is the last line that runs on Java 17.
export const runnerJar = (version) => `apicurio-registry-app-${version}-runner.jar`;

export function ensureApicurio(config, log) {
  const version = config.registry.version;
  return ensureCached(
    join(config.cacheDir, `apicurio-registry-${version}`),
    `Apicurio Registry ${version}`,
    (tmp) => {
      runMaven(
        [
          '-f',
          join(here, 'kafka-dist.pom.xml'),
          'dependency:copy',
          `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`,
          `-DoutputDirectory=${tmp}`,
        ],
        join(tmp, 'mvn.log'),
        `Apicurio Registry ${version}`,
      );
      const archive = join(tmp, `apicurio-registry-app-${version}-all.tar.gz`);
      const untar = spawnSync('tar', ['xzf', archive, '-C', tmp], { encoding: 'utf8' });
      if (untar.status !== 0) throw new StackError(`Could not unpack ${archive}: ${untar.stderr}`);
      rmSync(archive);
      if (!existsSync(join(tmp, runnerJar(version)))) throw new StackError(`${archive} has no ${runnerJar(version)}`);
    },
    log,
  );
}
