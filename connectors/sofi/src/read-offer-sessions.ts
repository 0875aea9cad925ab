import type { Issue } from './issue.js';
import type { LheoEncoding } from './lheo/encoding.js';
import { type LheoNode, pathOf } from './lheo/lheo-node.js';
import { type ByteSource, type LheoParseOptions, type LheoVersion, parseLheo } from './lheo/parse-lheo.js';
import { exportedAtOf } from './mapping/exported-at.js';
import { type FindingSink, mapFormation, sessionOutlineOf, sourceHashOf } from './mapping/map-formation.js';
import type { OfferSession } from './mapping/offer-session.js';
import { SessionKeyTable, SlotColumn } from './session-key-table.js';

/**
 * What reading a LHEO export found. `valid` answers one question for an all-or-nothing importer: may this file
 * replace the published offer? It is true only when the file was read to the end as a LHEO document (not malformed,
 * not hostile, correctly encoded, within limits), every formation, action and session mapped without error, session
 * keys are unique, and there is at least one session. Warnings (unknown elements, unknown dictionary values…) never
 * make a file invalid.
 */
export interface LheoReport {
  valid: boolean;
  lheoVersion: LheoVersion | null;
  encoding: LheoEncoding | null;
  /** Elements seen (formation, action, session), whether they mapped or not. */
  formations: number;
  actions: number;
  sessions: number;
  /** Sessions handed to `onSession`. */
  mappedSessions: number;
  /** Sessions of the formations `skipFormation` took as known: counted in `sessions`, neither mapped nor handed over. */
  skippedSessions: number;
  exportedAt: string | null;
  bytesRead: number;
  /** The first `maxIssues` errors and warnings, in the order found; the counts are the totals. */
  errors: Issue[];
  warnings: Issue[];
  errorCount: number;
  warningCount: number;
}

/**
 * The session keys a file has listed so far, for duplicate detection (two sessions with one key would overwrite each
 * other downstream). Per-session memory that the limit on sessions per export bounds.
 */
export interface SessionKeyRegister {
  /** Records `sessionKey` as listed at `line`; when it was listed before, returns that first line instead. */
  firstLineOf(sessionKey: string, line: number): number | undefined;
  /** Whether `sessionKey` was listed. */
  listed(sessionKey: string): boolean;
}

/** A register of its own for each file, in about 28 bytes per key. */
export function sessionKeyRegister(): SessionKeyRegister {
  const keys = new SessionKeyTable();
  const lines = new SlotColumn((length) => new Uint32Array(length));
  return {
    firstLineOf: (sessionKey, line) => {
      const before = keys.size;
      const slot = keys.add(sessionKey);
      if (keys.size === before) return lines.get(slot);
      lines.set(slot, line);
      return undefined;
    },
    listed: (sessionKey) => keys.slotOf(sessionKey) >= 0,
  };
}

export interface ReadOfferSessionsOptions extends LheoParseOptions {
  /**
   * Receives each mapped session, in document order, awaited before reading on. The file's validity is only known
   * at the end: an all-or-nothing importer stages what it receives and commits only if the report is valid.
   */
  onSession?: (snapshot: OfferSession) => void | Promise<void>;
  /**
   * Asked before each formation is mapped, with its source fingerprint (`OfferSession.sourceHash`) and session keys:
   * true means the caller already knows what this very text maps to (and takes its sessions as unchanged), so the
   * formation is not mapped and its sessions are not handed to `onSession`. Their keys still count against
   * duplicates. Only asked for formations whose keys are all readable and not yet seen in the file.
   */
  skipFormation?: (formation: { sourceHash: string; sessionKeys: string[] }) => boolean | Promise<boolean>;
  onProgress?: (progress: { bytesRead: number; sessions: number }) => void;
  /**
   * `exportedAt` for the snapshots. Intercarif writes the export date after the offers, so one streaming pass only
   * knows it at the end (it is in the report). Give it here from a first pass, or set it on the snapshots later:
   * `contentHash` does not cover it. Defaults to null.
   */
  exportedAt?: string | null;
  /** How many errors and how many warnings the report lists (the counts stay exact). Default 1000. */
  maxIssues?: number;
  /** Where the file's keys are recorded; a register of its own by default (an importer shares its known offer's). */
  sessionKeys?: SessionKeyRegister;
}

/** Streams a LHEO export, maps every session and reports whether the file is usable. */
export async function readOfferSessions(
  source: ByteSource,
  options: ReadOfferSessionsOptions = {},
): Promise<LheoReport> {
  const maxIssues = options.maxIssues ?? 1000;
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  let errorCount = 0;
  let warningCount = 0;
  const addError = (issue: Issue) => {
    errorCount += 1;
    if (errors.length < maxIssues) errors.push(issue);
  };
  const addWarning = (issue: Issue) => {
    warningCount += 1;
    if (warnings.length < maxIssues) warnings.push(issue);
  };
  // The mapping's findings become issues (their paths joined) only while the report lists them.
  const sink: FindingSink = {
    error: (node, message) => {
      errorCount += 1;
      if (errors.length < maxIssues) errors.push({ line: node.line, path: pathOf(node), message });
    },
    warn: (node, message) => {
      warningCount += 1;
      if (warnings.length < maxIssues) warnings.push({ line: node.line, path: pathOf(node), message });
    },
  };
  const context = { exportedAt: options.exportedAt ?? null };
  const keys = options.sessionKeys ?? sessionKeyRegister();
  let actions = 0;
  let sessions = 0;
  let mappedSessions = 0;
  let skippedSessions = 0;

  /** Counts a formation as read when the caller knows it already; false when it has to be mapped. */
  const skipped = async (formation: LheoNode, sourceHash: string, skip: NonNullable<typeof options.skipFormation>) => {
    const outline = sessionOutlineOf(formation);
    if (outline === undefined || outline.sessions.length === 0) return false;
    const sessionKeys = outline.sessions.map(({ sessionKey }) => sessionKey);
    // A duplicate key (here or with an earlier formation) is the mapping path's to report.
    if (new Set(sessionKeys).size < sessionKeys.length || sessionKeys.some((key) => keys.listed(key))) {
      return false;
    }
    if (!(await skip({ sourceHash, sessionKeys }))) return false;
    actions += outline.actions;
    sessions += outline.sessions.length;
    skippedSessions += outline.sessions.length;
    for (const { sessionKey, line } of outline.sessions) keys.firstLineOf(sessionKey, line);
    return true;
  };

  const parsed = await parseLheo(
    source,
    {
      onWarning: addWarning,
      onProgress: (bytesRead) => options.onProgress?.({ bytesRead, sessions }),
      onFormation: async (formation, sourceDigest) => {
        const sourceHash = sourceHashOf(sourceDigest);
        if (options.skipFormation && (await skipped(formation, sourceHash, options.skipFormation))) return;
        const mapping = mapFormation(formation, { ...context, sourceHash }, sink);
        for (let step = mapping.next(); ; step = mapping.next()) {
          if (step.done) {
            actions += step.value.actions;
            sessions += step.value.sessionElements;
            break;
          }
          const { snapshot, node } = step.value;
          const firstLine = keys.firstLineOf(snapshot.sessionKey, node.line);
          if (firstLine !== undefined) {
            sink.error(node, `duplicate session key "${snapshot.sessionKey}" (first at line ${firstLine})`);
            continue;
          }
          mappedSessions += 1;
          await options.onSession?.(snapshot);
        }
      },
    },
    options,
  );

  const exported = exportedAtOf(parsed.root);
  exported.warnings.forEach(addWarning);
  if (parsed.fatal) addError(parsed.fatal);
  else if (sessions === 0) {
    // An empty export must not be taken as "every session was withdrawn".
    addError({ line: parsed.root?.line ?? 1, path: '/lheo', message: 'no session in the file' });
  }
  return {
    valid: errorCount === 0,
    lheoVersion: parsed.version,
    encoding: parsed.encoding,
    formations: parsed.formations,
    actions,
    sessions,
    mappedSessions,
    skippedSessions,
    exportedAt: exported.exportedAt,
    bytesRead: parsed.bytesRead,
    errors,
    warnings,
    errorCount,
    warningCount,
  };
}
