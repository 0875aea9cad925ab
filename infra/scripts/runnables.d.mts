/** Types of the dependency-free runnable launcher (runnables.mjs). */
import type { ChildProcess, StdioOptions } from 'node:child_process';

export interface Runnable {
  /** Package name, e.g. `@passerelle/connector-kairos`. */
  name: string;
  /** Folder name, e.g. `kairos`. */
  short: string;
  dir: string;
  dev: { port?: number; env?: Record<string, string>; summary?: string };
}

export const repositoryRoot: string;
export function discoverRunnables(root?: string): Runnable[];
export function runnableEnv(
  runnable: Runnable,
  stack: { kafkaBrokers: string; schemaRegistryUrl: string; stateDir: string },
  overrides?: Record<string, string>,
): Record<string, string>;
export function spawnRunnable(
  runnable: Runnable,
  env: Record<string, string>,
  options?: { stdio?: StdioOptions },
): ChildProcess;
export function signalRunnable(child: ChildProcess, signal?: NodeJS.Signals): Promise<void>;
export function sharedDevEnv(root?: string): Record<string, string>;
