/**
 * Bounds that keep parsing in bounded memory and time whatever the input. LHEO texts are at most 3 000 characters
 * and documents about ten levels deep, so these leave ample room for real exports while refusing pathological
 * ones (a gigabyte text node, a million nested elements) before they exhaust memory.
 */
export interface LheoLimits {
  /** Longest text of one element (text and CDATA pieces together), in characters. */
  maxTextLength: number;
  /** Longest run of input without any parser event (a text node, CDATA section, comment or tag), in characters. */
  maxTokenLength: number;
  /** Deepest element nesting. */
  maxDepth: number;
  /** Most elements kept for one formation (its actions and sessions are buffered until it closes). */
  maxElementsPerFormation: number;
  /**
   * Most sessions in one export. What is kept per session (duplicate detection, the importer's known offer) is a few
   * dozen bytes, so this bounds memory whatever the file; the national offer is about 400 000 sessions.
   */
  maxSessions: number;
  /**
   * Share of the old-generation heap (V8's limit, e.g. `--max-old-space-size`) past which reading stops: the file is
   * refused with a report instead of the process dying of an out-of-memory (see `heapBudgetExceeded`).
   */
  maxHeapFraction: number;
}

export const DEFAULT_LHEO_LIMITS: LheoLimits = {
  maxTextLength: 1_000_000,
  maxTokenLength: 2_000_000,
  maxDepth: 64,
  maxElementsPerFormation: 500_000,
  maxSessions: 1_000_000,
  maxHeapFraction: 0.85,
};
