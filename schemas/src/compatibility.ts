import avro from 'avsc';
import { type AvroFile, readAvroFiles } from './avro-files.js';
import { inlineNamedTypes } from './inline.js';
import { logicalTypes } from './logical-types.js';

export interface CompatibilityProblem {
  record: string;
  message: string;
}

const typeOf = (fullName: string, files: AvroFile[]) =>
  avro.Type.forSchema(
    inlineNamedTypes(fullName, new Map(files.map((file) => [file.fullName, file.schema]))) as avro.Schema,
    { logicalTypes },
  );

/**
 * BACKWARD compatibility, as the registry enforces it: a consumer with the current schema must read every record
 * written with the released one. Records new since the release are always fine.
 */
export function backwardProblems(eventNames: readonly string[], releasedDir: string, currentFiles = readAvroFiles()) {
  const releasedFiles = readAvroFiles(releasedDir);
  const released = new Set(releasedFiles.map((file) => file.fullName));
  const problems: CompatibilityProblem[] = [];
  for (const record of eventNames) {
    if (!released.has(record)) continue;
    try {
      typeOf(record, currentFiles).createResolver(typeOf(record, releasedFiles));
    } catch (error) {
      problems.push({ record, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return problems;
}
