#!/usr/bin/env node
// Lets a newcomer's first command be `npm start` or `npm test` on a fresh clone: installs the locked
// dependencies when node_modules is missing or older than package-lock.json, and does nothing otherwise.
// Dependency-free on purpose: it runs before anything is installed.

import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`Passerelle needs Node.js 20 or newer; this is ${process.version}.`);
  process.exit(1);
}

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.error('[setup] installing the locked dependencies (npm ci)…');
  // npm's output goes to stderr: stdout belongs to the command that asked (the demo's JSON summary, for one).
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=warn'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  if (npm.status !== 0) {
    console.error('[setup] npm ci failed: see above.');
    process.exit(npm.status ?? 1);
  }
}
