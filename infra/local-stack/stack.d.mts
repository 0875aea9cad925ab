/** Types of the dependency-free local stack controller (stack.mjs), for the TypeScript test harness. */

export interface StackConfig {
  host: string;
  stateDir: string;
  cacheDir: string;
  kafka: { version: string; port: number; controllerPort: number };
  registry: { version: string; port: number; managementPort: number };
  kafkaBrokers: string;
  schemaRegistryUrl: string;
}

export interface ComponentStart {
  pid: number;
  /** false when it was already running and answering */
  started: boolean;
}

export interface ComponentStatus {
  version: string;
  running: boolean;
  pid?: number;
  answers: boolean;
  rssMiB?: number;
}

export interface StackStatus {
  stateDir: string;
  cacheDir: string;
  kafka: ComponentStatus & { brokers: string };
  registry: ComponentStatus & { url: string };
  cachedDownloads: string[];
}

type Log = (line: string) => void;

export {
  DEFAULT_PORTS,
  kafkaAnswers,
  registryAnswers,
  StackError,
} from '../../packages/stack-address/index.mjs';
export const APICURIO_VERSION: string;
export const dockerComposeFile: string;
export function stackConfig(): StackConfig;
export function up(options?: {
  log?: Log;
}): Promise<{ config: StackConfig; kafka: ComponentStart; registry: ComponentStart }>;
export function down(options?: { purge?: boolean; log?: Log }): Promise<{ config: StackConfig; stopped: string[] }>;
export function status(): Promise<StackStatus>;
