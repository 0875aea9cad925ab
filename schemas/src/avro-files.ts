import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AvroNode, fullNameOf } from './inline.js';

/** Where the `.avsc` sources live: the single source of truth of the contracts. */
export const avroDir = fileURLToPath(new URL('../avro', import.meta.url));
/** The schemas of the last release, for the compatibility gate. */
export const releasedDir = fileURLToPath(new URL('../released/v1', import.meta.url));

export interface AvroFile {
  path: string;
  fullName: string;
  schema: { [key: string]: unknown };
}

/** Reads every `.avsc` under `dir` (build and test time only: the runtime uses the generated module). */
export function readAvroFiles(dir: string = avroDir): AvroFile[] {
  const files: AvroFile[] = [];
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.avsc')) {
        const schema = JSON.parse(readFileSync(path, 'utf8')) as { [key: string]: unknown };
        files.push({
          path: relative(dir, path),
          fullName: fullNameOf(schema as { name: string; namespace?: string }),
          schema,
        });
      }
    }
  };
  visit(dir);
  return files;
}

export const namedTypesOf = (files: AvroFile[]) =>
  new Map<string, AvroNode>(files.map((file) => [file.fullName, file.schema as AvroNode]));
