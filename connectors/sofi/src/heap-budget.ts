import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

// V8 counts its young generation in heap_size_limit: three 16 MiB semi-spaces on 64-bit Node 20, whatever
// --max-old-space-size says (256 gives a 304 MiB limit). What runs out is the old generation.
const YOUNG_GENERATION_BYTES = 48 * 1_048_576;

/**
 * Why this process should stop taking in more, or null: when its old generation is fuller than `fraction` of what
 * V8 lets it grow to. Garbage counts as used until collected, but V8 starts a full collection at the latest halfway
 * between what the previous one left and the maximum, so past 85 % the last collection left more than 70 % alive:
 * the process is close to dying of an out-of-memory (a crash with exit 134 and half-written output), and saying so
 * in the report is better.
 */
export function heapBudgetExceeded(fraction: number): string | null {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (!space.space_name.startsWith('new_')) used += space.space_used_size;
  }
  const limit = getHeapStatistics().heap_size_limit - YOUNG_GENERATION_BYTES;
  if (used <= fraction * limit) return null;
  const mb = (bytes: number) => Math.round(bytes / 1_048_576);
  return (
    `heap budget exceeded: ${mb(used)} MB of the ${mb(limit)} MB heap in use (more than ${Math.round(fraction * 100)} %): ` +
    'the export needs more memory than this process has (an oversized formation or text?)'
  );
}
