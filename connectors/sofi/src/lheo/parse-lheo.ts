import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { heapBudgetExceeded } from '../heap-budget.js';
import type { Issue } from '../issue.js';
import { AMPERSAND_LOOKAHEAD, AmpersandScanner, ampersandMistake } from './ampersand-scanner.js';
import {
  type ChunkDecoder,
  createDecoder,
  findUtf8InSingleByte,
  firstInvalidUtf8,
  incompleteUtf8Tail,
  type LheoEncoding,
  SNIFF_BYTES,
  sniffEncoding,
} from './encoding.js';
import { type LheoNode, pathSegment } from './lheo-node.js';
import { FREE_FORM_ELEMENTS, LHEO_CHILDREN } from './lheo-structure.js';
import { DEFAULT_LHEO_LIMITS, type LheoLimits } from './limits.js';

export type LheoVersion = '2.2' | '2.3';

/** The namespaces a LHEO document may use, and the version each one means. */
export const LHEO_NAMESPACES: Readonly<Record<string, LheoVersion>> = {
  'http://www.lheo.org/2.2': '2.2',
  'http://lheo.gouv.fr/2.3': '2.3',
};

/** Bytes to parse: a file path, or chunks (a stream, or an array of buffers in tests). */
export type ByteSource = string | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export interface LheoParseHandlers {
  /**
   * Receives each formation (with its actions and sessions) once its end tag is read, with its source digest;
   * awaited before reading on.
   */
  onFormation?: (formation: LheoNode, sourceDigest: string) => void | Promise<void>;
  /** Findings that do not prevent using the file, e.g. unknown elements. */
  onWarning?: (issue: Issue) => void;
  /** Called after each chunk with the total bytes read so far. */
  onProgress?: (bytesRead: number) => void;
}

export interface LheoParseOptions {
  limits?: Partial<LheoLimits>;
}

export interface LheoParseResult {
  /** Namespace version of the root element; null when the file is not LHEO. */
  version: LheoVersion | null;
  encoding: LheoEncoding | null;
  /**
   * The `lheo` root with everything but the formations (they went to `onFormation`): `offres` without its formations
   * and the document-level `extras`, e.g. Intercarif's `flux-intercarif` export date, which comes after the offers.
   */
  root: LheoNode | null;
  formations: number;
  bytesRead: number;
  /** Why the file cannot be used at all (not XML, not LHEO, hostile, wrong encoding, limit exceeded); else null. */
  fatal: Issue | null;
}

/**
 * What a formation says, as exported: sha256 (hex) of the namespaces in scope, the formation's start-tag attributes
 * and its text as written, from the end of its start tag to the end of its end tag. Two formations with the same
 * digest are the same text, wherever they sit in a file and however the file is cut into chunks.
 */
export type SourceDigest = string;

// saxes is synchronous: the text is fed in slices so that limits are checked, and formations handed over, at a
// bounded distance from where they happen.
const SLICE_CHARS = 64 * 1024;
const READ_CHUNK_BYTES = 256 * 1024;

/** Thrown inside saxes callbacks to stop parsing once the file is known to be unusable. */
class Rejected extends Error {}

interface Frame {
  /** null: the element is skipped (unknown, or inside an unknown element) and nothing below it is kept. */
  node: LheoNode | null;
  /** This element's step in its path (`action[2]`); the path is joined only when a finding needs it. */
  segment: string;
  freeForm: boolean;
  /** Same-name sibling counters for the children of this element (XPath indexes). */
  counts: Map<string, number> | undefined;
}

/**
 * Streams a LHEO document: memory stays bounded by one formation whatever the file size. DTDs are refused outright
 * (saxes never expands DTD entities, and a DOCTYPE is rejected as soon as it is read), so entity-expansion and
 * external-entity attacks cannot happen.
 */
export async function parseLheo(
  source: ByteSource,
  handlers: LheoParseHandlers = {},
  options: LheoParseOptions = {},
): Promise<LheoParseResult> {
  const limits: LheoLimits = { ...DEFAULT_LHEO_LIMITS, ...options.limits };
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: Frame[] = [];
  const pending: { formation: LheoNode; sourceDigest: SourceDigest }[] = [];
  let version: LheoVersion | null = null;
  let rootUri = '';
  let root: LheoNode | null = null;
  let encoding: LheoEncoding | null = null;
  let formations = 0;
  let sessions = 0;
  let bytesRead = 0;
  let bufferedElements = 0;
  let tagStartLine = 1;
  // Parser events seen, and input fed since the last slice that produced one: a long run of input without any
  // event is a text node, comment or tag that saxes is buffering whole.
  let events = 0;
  let charsWithoutEvent = 0;
  let fatal: Issue | null = null;
  // The source digest of the formation being read is fed with the text as it is fed to saxes, whose `position` is an
  // index into the whole decoded text: the digest covers [hashedFrom, position) of the slices seen so far.
  let namespaceScope = '';
  let formationDigest: Hash | null = null;
  let hashedFrom = 0;
  let slice = '';
  let sliceStart = 0;

  const currentPath = () => `/${stack.map((frame) => frame.segment).join('/')}`;
  const reject = (line: number, message: string, path = currentPath()): never => {
    fatal ??= { line, path, message };
    throw new Rejected(message);
  };
  const seen = () => {
    events += 1;
  };

  // Six handlers at most: saxes stores each one with a keyed property store, and a seventh turns the parser object
  // into a dictionary-mode object in V8, which makes saxes about three times slower. So no `error` handler (saxes
  // then throws, see `malformed`), and no comment/PI/xmldecl handlers (the long-token guard covers them).
  parser.on('doctype', () =>
    reject(
      parser.line,
      'DOCTYPE declaration refused: LHEO exports have none, and a DTD can define entities ' +
        '(entity expansion, external files) that an importer must never process',
      '/',
    ),
  );
  parser.on('opentagstart', () => {
    tagStartLine = parser.line;
    seen();
  });
  parser.on('opentag', (tag) => {
    seen();
    openElement(tag as SaxesTagNS);
  });
  parser.on('closetag', () => {
    seen();
    closeElement();
  });
  parser.on('text', (text) => {
    seen();
    appendText(text);
  });
  parser.on('cdata', (text) => {
    seen();
    appendText(text);
  });

  /** Runs a saxes call, turning its well-formedness errors into the file's rejection. */
  function sax(call: () => void): void {
    try {
      call();
    } catch (error) {
      if (error instanceof Rejected || !(error instanceof Error)) throw error;
      // saxes prefixes "line:column: "; the message says it in words.
      const reason = error.message.replace(/^[^:]*:?\d+:\d+: /, '');
      reject(parser.line, `malformed XML at line ${parser.line}, column ${parser.column + 1}: ${reason}`);
    }
  }

  function openElement(tag: SaxesTagNS): void {
    const line = tagStartLine;
    if (stack.length >= limits.maxDepth) reject(line, `elements nested deeper than ${limits.maxDepth} levels`);
    const parent = stack.at(-1);
    if (parent === undefined) {
      openRoot(tag, line);
      return;
    }
    if (parent.node === null) {
      stack.push({ node: null, segment: tag.local, freeForm: false, counts: undefined });
      return;
    }
    const known = parent.freeForm || (tag.uri === rootUri && LHEO_CHILDREN.get(parent.node.name)?.has(tag.local));
    const index = nextIndex(parent, tag.local);
    const segment = pathSegment(tag.local, index);
    if (!known) {
      const why =
        tag.uri === rootUri
          ? `unknown element <${tag.local}> in <${parent.node.name}>`
          : `element <${tag.name}> from namespace "${tag.uri}" in a LHEO ${version} document`;
      handlers.onWarning?.({ line, path: `${currentPath()}/${segment}`, message: `${why}; ignored with its content` });
      stack.push({ node: null, segment, freeForm: false, counts: undefined });
      return;
    }
    if (tag.local === 'session' && parent.node.name === 'action') {
      sessions += 1;
      if (sessions > limits.maxSessions) {
        reject(
          line,
          `more than ${limits.maxSessions} sessions in one export: over the limit (SOFI_MAX_SESSIONS)`,
          `${currentPath()}/${segment}`,
        );
      }
    }
    bufferedElements += 1;
    if (bufferedElements > limits.maxElementsPerFormation) {
      reject(
        line,
        `more than ${limits.maxElementsPerFormation} elements in one formation`,
        `${currentPath()}/${segment}`,
      );
    }
    const node: LheoNode = {
      name: tag.local,
      line,
      parent: parent.node,
      index,
      attributes: plainAttributes(tag),
      children: [],
      text: '',
    };
    // Formations are handed over when they close and never attached to `offres`: that is what bounds memory.
    if (tag.local === 'formation' && parent.node.name === 'offres' && stack.length === 2) {
      startFormationDigest(tag);
    } else {
      parent.node.children.push(node);
    }
    // Namespace declarations on `offres` change what the formations' prefixes mean.
    if (tag.local === 'offres' && stack.length === 1) namespaceScope += JSON.stringify(tag.ns ?? {});
    stack.push({ node, segment, freeForm: parent.freeForm || FREE_FORM_ELEMENTS.has(tag.local), counts: undefined });
  }

  function openRoot(tag: SaxesTagNS, line: number): void {
    if (tag.local !== 'lheo') {
      reject(line, `not a LHEO document: the root element is <${tag.name}>, expected <lheo>`, `/${tag.local}`);
    }
    const rootVersion = LHEO_NAMESPACES[tag.uri];
    if (rootVersion === undefined) {
      const expected = Object.keys(LHEO_NAMESPACES).join('" or "');
      reject(line, `not a LHEO document: namespace "${tag.uri}", expected "${expected}"`, '/lheo');
    }
    version = rootVersion ?? null;
    rootUri = tag.uri;
    root = { name: 'lheo', line, parent: null, index: 1, attributes: plainAttributes(tag), children: [], text: '' };
    namespaceScope = `${tag.uri}${JSON.stringify(tag.ns ?? {})}`;
    stack.push({ node: root, segment: 'lheo', freeForm: false, counts: undefined });
  }

  function closeElement(): void {
    const frame = stack.pop();
    const node = frame?.node;
    if (!node) return;
    if (node.children.length > 0) node.text = ''; // LHEO has no mixed content: text between children is layout
    if (node.name === 'formation' && stack.length === 2 && node.parent?.name === 'offres') {
      formations += 1;
      bufferedElements = 0;
      pending.push({ formation: node, sourceDigest: endFormationDigest() });
    }
  }

  function startFormationDigest(tag: SaxesTagNS): void {
    formationDigest = createHash('sha256').update(namespaceScope);
    for (const attribute of Object.values(tag.attributes))
      formationDigest.update(`\0${attribute.name}=${attribute.value}`);
    formationDigest.update('\0');
    hashedFrom = parser.position;
  }

  /** Feeds the digest with the current slice's text read so far (the rest comes with the next slices). */
  function feedFormationDigest(until: number): void {
    if (formationDigest === null || until <= hashedFrom) return;
    formationDigest.update(slice.slice(hashedFrom - sliceStart, until - sliceStart));
    hashedFrom = until;
  }

  function endFormationDigest(): SourceDigest {
    feedFormationDigest(parser.position);
    const digest = (formationDigest as Hash).digest('hex');
    formationDigest = null;
    return digest;
  }

  function appendText(text: string): void {
    const node = stack.at(-1)?.node;
    if (!node) return; // outside the root (saxes checks it is whitespace) or inside a skipped element
    if (node.text.length + text.length > limits.maxTextLength) {
      reject(parser.line, `text of <${node.name}> longer than ${limits.maxTextLength} characters`);
    }
    node.text += text;
  }

  const ampersands = new AmpersandScanner();
  // The last characters of each decoded text wait for the next one, so that a reference or a `<![CDATA[` cut by the
  // boundary is scanned whole. They are scanned joined to the start of the next text only: joining whole texts would
  // copy every chunk once more.
  let held = '';

  /** Parses decoded text (all of what is held back too, when `final`). */
  async function feed(decoded: string, final: boolean): Promise<void> {
    let text = decoded;
    if (text.length < 4 * AMPERSAND_LOOKAHEAD) {
      // A short text (a stream cut fine) just joins what is held back, until there is enough to look ahead into.
      text = held + text;
      held = '';
      if (!final && text.length < 2 * AMPERSAND_LOOKAHEAD) {
        held = text;
        return;
      }
    } else if (held !== '') {
      const head = held;
      held = '';
      await parse(head + text.slice(0, AMPERSAND_LOOKAHEAD), head.length);
    }
    const end = final ? text.length : text.length - AMPERSAND_LOOKAHEAD;
    held = text.slice(end);
    await parse(text, end);
  }

  /** Scans and parses `text` up to `end` (the text after it is the scan's lookahead). */
  async function parse(text: string, end: number): Promise<void> {
    const ampersand = ampersands.scan(text, sliceStart, end);
    // Text before a bad `&` is parsed first: an earlier problem is reported first, and the parser's position and
    // element stack are then exactly those of the `&`.
    const until = ampersand < 0 ? end : ampersand;
    for (let offset = 0; offset < until; offset += SLICE_CHARS) {
      const eventsBefore = events;
      slice = text.slice(offset, Math.min(offset + SLICE_CHARS, until));
      sax(() => parser.write(slice));
      feedFormationDigest(sliceStart + slice.length);
      sliceStart += slice.length;
      charsWithoutEvent = events === eventsBefore ? charsWithoutEvent + slice.length : 0;
      // A token may also span the end of the previous slice and the start of the next: two slices of slack.
      if (charsWithoutEvent > limits.maxTokenLength) {
        reject(parser.line, `a single text, comment or tag longer than ${limits.maxTokenLength} characters`);
      }
      checkHeap();
      await flush();
    }
    if (ampersand >= 0) {
      const where = `line ${parser.line}, column ${parser.column + 1}`;
      reject(parser.line, `malformed XML at ${where}: ${ampersandMistake(text, ampersand)}`);
    }
  }

  function checkHeap(): void {
    const exceeded = heapBudgetExceeded(limits.maxHeapFraction);
    if (exceeded !== null) reject(parser.line, exceeded);
  }

  async function flush(): Promise<void> {
    while (pending.length > 0) {
      const { formation, sourceDigest } = pending.shift() as (typeof pending)[number];
      await handlers.onFormation?.(formation, sourceDigest);
      checkHeap();
    }
  }

  let decoder: ChunkDecoder | undefined;
  let head: Uint8Array[] = [];
  let headLength = 0;
  let lastByte = -1;
  // The bytes of a UTF-8 character that the decoder holds until the next chunk completes it.
  let pendingUtf8: Uint8Array = new Uint8Array(0);

  /** Decodes and parses one chunk of bytes; the first bytes are held back until the encoding is known. */
  async function consume(bytes: Uint8Array, final: boolean): Promise<void> {
    if (decoder === undefined) {
      head.push(bytes);
      headLength += bytes.length;
      if (headLength < SNIFF_BYTES && !final) return;
      bytes = Buffer.concat(head);
      head = [];
      const sniffed = sniffEncoding(bytes.subarray(0, SNIFF_BYTES));
      if (!sniffed.ok) reject(1, sniffed.message, '/');
      else encoding = sniffed.encoding;
      decoder = createDecoder(encoding as LheoEncoding);
    }
    if (encoding !== 'UTF-8') {
      const at = findUtf8InSingleByte(bytes, lastByte);
      if (at >= 0) {
        // Parse up to the UTF-8 lead byte first: the report then names the line and element it is in.
        await feed(decoder.decode(bytes.subarray(0, Math.max(0, at - 1)), { stream: true }), true);
        reject(
          parser.line,
          `wrong encoding: declared ${encoding} but the bytes at line ${parser.line} are UTF-8 (text would read "Ã©")`,
        );
      }
      lastByte = bytes.length > 0 ? (bytes[bytes.length - 1] as number) : lastByte;
      await feed(decoder.decode(bytes, { stream: !final }), final);
      return;
    }
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: !final });
    } catch {
      if (bytes.length === 0) reject(parser.line, 'file ends in the middle of a UTF-8 character (truncated?)');
      // Parse the valid bytes before the bad one first: the report then names the line and element it is in.
      const all = Buffer.concat([pendingUtf8, bytes]);
      await feed(new TextDecoder('utf-8').decode(all.subarray(0, firstInvalidUtf8(all))), true);
      reject(
        parser.line,
        `wrong encoding: declared UTF-8 but line ${parser.line} has bytes that are not UTF-8 (ISO-8859-1?)`,
      );
      return;
    }
    // A chunk shorter than a character may only continue the held one.
    const joined = bytes.length < 4 ? Buffer.concat([pendingUtf8, bytes]) : bytes;
    pendingUtf8 = joined.subarray(joined.length - incompleteUtf8Tail(joined));
    await feed(text, final);
  }

  try {
    for await (const chunk of toChunks(source)) {
      bytesRead += chunk.length;
      await consume(chunk, false);
      handlers.onProgress?.(bytesRead);
    }
    await consume(new Uint8Array(0), true);
    sax(() => parser.close());
    await flush();
  } catch (error) {
    if (!(error instanceof Rejected)) throw error;
  }
  if (fatal === null && root === null) fatal = { line: 1, path: '/', message: 'empty file: no root element' };
  return { version, encoding, root, formations, bytesRead, fatal };
}

function nextIndex(frame: Frame, name: string): number {
  frame.counts ??= new Map();
  const index = (frame.counts.get(name) ?? 0) + 1;
  frame.counts.set(name, index);
  return index;
}

const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

/** Most LHEO elements have no attribute: they share one empty (frozen) record instead of each getting one. */
function plainAttributes(tag: SaxesTagNS): Readonly<Record<string, string>> {
  let attributes: Record<string, string> | undefined;
  for (const name in tag.attributes) {
    const attribute = tag.attributes[name] as SaxesTagNS['attributes'][string];
    if (attribute.prefix === '') {
      attributes ??= {};
      attributes[attribute.local] = attribute.value;
    }
  }
  return attributes ?? NO_ATTRIBUTES;
}

async function* toChunks(source: ByteSource): AsyncIterable<Uint8Array> {
  if (typeof source === 'string') {
    yield* createReadStream(source, { highWaterMark: READ_CHUNK_BYTES }) as AsyncIterable<Buffer>;
  } else {
    yield* source;
  }
}
