/** Types of the dependency-free local stack address and probes (index.mjs). */

export const DEFAULT_PORTS: Readonly<{
  kafka: number;
  kafkaController: number;
  registry: number;
  registryManagement: number;
}>;

export class StackError extends Error {}

export interface StackAddress {
  host: string;
  ports: { kafka: number; kafkaController: number; registry: number; registryManagement: number };
  kafkaBrokers: string;
  schemaRegistryUrl: string;
}

export function stackAddress(env?: NodeJS.ProcessEnv): StackAddress;
export function kafkaAnswers(port: number, host?: string): Promise<boolean>;
export function registryAnswers(schemaRegistryUrl: string): Promise<boolean>;
