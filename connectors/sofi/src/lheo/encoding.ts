import { TextDecoder } from 'node:util';

/**
 * The XML declaration decides the encoding (XML 1.0 §4.3.3). Real LHEO exports come in UTF-8 and ISO-8859-1; a
 * few Windows-made ones say windows-1252 or ISO-8859-15. Anything else (UTF-16, EBCDIC…) is refused rather than
 * guessed.
 */
export type LheoEncoding = 'UTF-8' | 'ISO-8859-1' | 'ISO-8859-15' | 'windows-1252';

const LABELS: Record<string, LheoEncoding> = {
  'utf-8': 'UTF-8',
  utf8: 'UTF-8',
  'us-ascii': 'UTF-8',
  ascii: 'UTF-8',
  'iso-8859-1': 'ISO-8859-1',
  iso_8859_1: 'ISO-8859-1',
  'iso_8859-1': 'ISO-8859-1',
  latin1: 'ISO-8859-1',
  'latin-1': 'ISO-8859-1',
  l1: 'ISO-8859-1',
  'iso-8859-15': 'ISO-8859-15',
  latin9: 'ISO-8859-15',
  'latin-9': 'ISO-8859-15',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
};

/** How many leading bytes are enough to see the BOM and the whole XML declaration. */
export const SNIFF_BYTES = 1024;

export type SniffResult = { ok: true; encoding: LheoEncoding } | { ok: false; message: string };

// Files that are sent instead of an export: named, rather than reported as a text in a wrong encoding.
const BINARY_SIGNATURES: readonly (readonly [string, readonly number[]])[] = [
  ['gzip', [0x1f, 0x8b]],
  ['ZIP archive, or an Office document', [0x50, 0x4b, 0x03, 0x04]],
  ['7-Zip archive', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['Zstandard', [0x28, 0xb5, 0x2f, 0xfd]],
  ['PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['JPEG image', [0xff, 0xd8, 0xff]],
  ['GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['old Office document', [0xd0, 0xcf, 0x11, 0xe0]],
];

/**
 * Reads the byte-order mark and the XML declaration's `encoding` pseudo-attribute from the first bytes; a known
 * binary format is named instead.
 */
export function sniffEncoding(head: Uint8Array): SniffResult {
  const binary = BINARY_SIGNATURES.find(([, signature]) => signature.every((byte, at) => head[at] === byte));
  if (binary !== undefined) {
    const hint = binary[0] === 'gzip' ? ' (decompress it first)' : '';
    return {
      ok: false,
      message: `not a LHEO export: binary file (${binary[0]}); an export is an XML text file${hint}`,
    };
  }
  if ((head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0xff && head[1] === 0xfe)) {
    return {
      ok: false,
      message: 'unsupported encoding: UTF-16 (byte-order mark); LHEO exports are UTF-8 or ISO-8859-1',
    };
  }
  if (head[0] === 0x00 || head[1] === 0x00) {
    return { ok: false, message: 'unsupported encoding: the file starts with NUL bytes (UTF-16/UTF-32?)' };
  }
  const hasUtf8Bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
  // Latin-1 maps every byte to one char, so the ASCII declaration reads the same whatever the real encoding.
  const prefix = Buffer.from(head.subarray(hasUtf8Bom ? 3 : 0)).toString('latin1');
  const declaration = /^<\?xml\s[^?>]*\?>/.exec(prefix)?.[0];
  const label = declaration && /\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(declaration);
  if (!label) return { ok: true, encoding: 'UTF-8' }; // XML's default when there is no declaration
  const name = (label[1] ?? label[2] ?? '').trim();
  const encoding = LABELS[name.toLowerCase()];
  if (encoding === undefined) {
    return { ok: false, message: `unsupported encoding "${name}" declared; LHEO exports are UTF-8 or ISO-8859-1` };
  }
  if (hasUtf8Bom && encoding !== 'UTF-8') {
    return {
      ok: false,
      message: `wrong encoding: the file starts with a UTF-8 byte-order mark but declares "${name}"`,
    };
  }
  return { ok: true, encoding };
}

/** Decodes a byte stream chunk by chunk; `decode` throws on invalid UTF-8. */
export interface ChunkDecoder {
  decode(bytes: Uint8Array, options: { stream: boolean }): string;
}

export function createDecoder(encoding: LheoEncoding): ChunkDecoder {
  if (encoding === 'UTF-8') {
    // `fatal` turns invalid UTF-8 into an error instead of silent U+FFFD replacements.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    return { decode: (bytes, options) => decoder.decode(bytes, options) };
  }
  if (encoding === 'ISO-8859-15') {
    const decoder = new TextDecoder('iso-8859-15');
    return { decode: (bytes, options) => decoder.decode(bytes, options) };
  }
  // "ISO-8859-1" files made on Windows really contain windows-1252 (œ, €, ’ in 0x80–0x9F, where Latin-1 only has
  // C1 control characters no text uses), which is why WHATWG maps the label to windows-1252. Node 20's TextDecoder
  // decodes both labels as plain Latin-1, so the 0x80–0x9F range is mapped here.
  const decoder = new TextDecoder('latin1');
  return {
    decode: (bytes, options) =>
      decoder.decode(bytes, options).replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80] || c),
  };
}

// windows-1252 for bytes 0x80–0x9F ('' where windows-1252 leaves the byte undefined).
export const WINDOWS_1252_C1: readonly string[] = [
  '€',
  '',
  '‚',
  'ƒ',
  '„',
  '…',
  '†',
  '‡',
  'ˆ',
  '‰',
  'Š',
  '‹',
  'Œ',
  '',
  'Ž',
  '',
  '',
  '‘',
  '’',
  '“',
  '”',
  '•',
  '–',
  '—',
  '˜',
  '™',
  'š',
  '›',
  'œ',
  '',
  'ž',
  'Ÿ',
];

/** How many bytes at the end of `bytes` start a UTF-8 sequence that the next bytes complete (0 to 3). */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: its lead is further back
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/** Offset of the first byte that is not valid UTF-8 (`bytes.length` when all are). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const text = new TextDecoder('utf-8').decode(bytes);
  // Each U+FFFD is a replaced bad sequence, unless the bytes really say U+FFFD (EF BF BD).
  for (let at = text.indexOf('\uFFFD'); at >= 0; at = text.indexOf('\uFFFD', at + 1)) {
    const offset = Buffer.byteLength(text.slice(0, at));
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) return offset;
  }
  return bytes.length;
}

/**
 * In a file declared single-byte, finds the first byte pair that is UTF-8 for a French accented letter or `œ`
 * (lead byte 0xC2, 0xC3 or 0xC5 followed by a continuation byte), i.e. text that would come out as "Ã©" mojibake.
 * Real Latin-1 French text practically never has `Â`/`Ã`/`Å` followed by a byte in 0x80–0xBF. Returns -1 if none.
 * `previous` is the last byte of the preceding chunk, so pairs split across chunks are seen.
 */
export function findUtf8InSingleByte(bytes: Uint8Array, previous: number): number {
  let lead = previous;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte >= 0x80 && byte <= 0xbf && (lead === 0xc2 || lead === 0xc3 || lead === 0xc5)) return i;
    lead = byte;
  }
  return -1;
}
