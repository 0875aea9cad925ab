import { WINDOWS_1252_C1 } from '../lheo/encoding.js';
import { HTML_ENTITIES } from './html-entities.js';

// C0 controls but tab, line feed and carriage return; DEL; C1 controls. XML 1.0 refuses most of them, but XML 1.1
// allows them as character references (`&#x1;`), Latin-1 files can carry C1 bytes, and HTML references (`&#1;`)
// decode to them: none is text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * Identifiers and codes as published: control characters removed, trimmed, and null when empty or `-` (exporters
 * write `-` in mandatory elements that have nothing to say, as both real samples do).
 */
export function cleanText(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const text = raw.replace(CONTROL_CHARACTERS, '').trim();
  return text === '' || text === '-' ? null : text;
}

export const hasControlCharacters = (raw: string): boolean => raw.search(CONTROL_CHARACTERS) >= 0;

/** `line`: everything on one line (titles, names, address lines); `block`: paragraphs and line breaks are kept. */
export type TextLayout = 'line' | 'block';

export interface PlainText {
  /** Null when nothing is left, or only `-`. */
  text: string | null;
  /** Control characters were removed (see `cleanText`). */
  controlCharacters: boolean;
  /**
   * The first tag found only once entities were decoded (`&lt;script&gt;` written in the HTML): markup escaped as
   * text, which a page showing this text would run as markup. Removed like literal markup; reported.
   */
  escapedMarkup: string | null;
}

/**
 * The plain text of a free-text element. Exporters write text, HTML escaped into the XML (`&lt;p&gt;…`, which the XML
 * parser has already turned into `<p>…`) or HTML in CDATA, with HTML entities (`&eacute;`, `&hellip;`). One
 * clean-up for all of them, in this order:
 *
 * 1. markup written literally is removed: tags, comments, `<script>`/`<style>` with their content. Only what HTML
 *    reads as markup counts: `<` followed by a letter, `/`+letter, `!` or `?`, up to the next `>`, so
 *    `Niveau < bac et > CAP` is text and stays. Stripping before decoding keeps an entity inside a tag's attribute
 *    (`title="a &gt; b"`) from cutting the tag short;
 * 2. HTML entities are decoded: the HTML 4 named set, decimal and hexadecimal references (`&#128;`–`&#159;` as
 *    windows-1252, like browsers);
 * 3. anything that reads as markup only now was escaped markup: removed too, and reported (`escapedMarkup`), so
 *    `M&amp;eacute;tiers &amp;lt;script&amp;gt;` gives `Métiers` and never a live `<script>`; a `<` or `>` that
 *    cannot open a tag stays text;
 * 4. control characters are removed;
 * 5. whitespace is collapsed: block tags (`p`, `br`, `li`, `div`…) become line breaks in `block` layout (where a
 *    text without markup also keeps its own line breaks), spaces in `line` layout; inline tags leave nothing.
 */
export function plainText(raw: string, layout: TextLayout): PlainText {
  let text = raw;
  let escapedMarkup: string | null = null;
  const markup = text.search(TAG_START) >= 0;
  if (markup) {
    // In HTML, line breaks of the source are spaces: only block tags break lines.
    text = stripMarkup(text.replace(/\s+/g, ' '), layout).text;
  }
  if (text.includes('&')) {
    text = decodeHtmlEntities(text);
    const stripped = stripMarkup(text, layout);
    text = stripped.text;
    escapedMarkup = stripped.first;
  }
  const controlCharacters = hasControlCharacters(text);
  if (controlCharacters) text = text.replace(CONTROL_CHARACTERS, '');
  text = collapse(markup ? text : text.replace(/\r\n?/g, '\n'), layout, markup);
  return { text: text === '' || text === '-' ? null : text, controlCharacters, escapedMarkup };
}

/** One line; or lines, with at most one blank line between paragraphs of plain text (HTML blocks just break). */
function collapse(text: string, layout: TextLayout, markup: boolean): string {
  if (layout === 'line') return text.replace(/\s+/g, ' ').trim();
  return text
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(markup ? /\n{2,}/g : /\n{3,}/g, markup ? '\n' : '\n\n')
    .trim();
}

// What HTML tokenises as markup after a `<`.
const TAG_START = /<[A-Za-z/!?]/;
const BLOCK_TAGS = new Set(
  (
    'address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 ' +
    'header hr li main nav ol p pre section table tbody td tfoot th thead tr ul'
  ).split(' '),
);
const RAW_TEXT_TAGS = new Set(['script', 'style']);

/**
 * Removes markup in one linear pass (a hostile text of a million `<a` must not take quadratic time): a `<` that
 * starts a tag is markup up to the first `>`, unless another `<` comes first, in which case it was text. Returns the
 * text and the first piece of markup removed.
 */
function stripMarkup(text: string, layout: TextLayout): { text: string; first: string | null } {
  const starts = new RegExp(TAG_START.source, 'g');
  let lowered: string | undefined;
  let out = '';
  let first: string | null = null;
  let from = 0;
  let nextClose = -1; // the first `>` after the current `<`, kept while it stays ahead
  for (let start = starts.exec(text); start !== null; start = starts.exec(text)) {
    const at = start.index;
    let end: number; // index after the markup
    let name = '';
    if (text.startsWith('<!--', at)) {
      const close = text.indexOf('-->', at + 4);
      end = close < 0 ? text.length : close + 3; // HTML: an unclosed comment runs to the end
    } else {
      if (nextClose < at) nextClose = text.indexOf('>', at);
      const nextOpen = text.indexOf('<', at + 1);
      if (nextClose < 0) break; // no `>` left: nothing further can be a tag
      if (nextOpen >= 0 && nextOpen < nextClose) {
        starts.lastIndex = nextOpen;
        continue;
      }
      end = nextClose + 1;
      name = /^<\/?([A-Za-z][A-Za-z0-9]*)/.exec(text.slice(at, Math.min(end, at + 16)))?.[1]?.toLowerCase() ?? '';
      if (RAW_TEXT_TAGS.has(name) && text[at + 1] !== '/') {
        // Script and style content is code, not text: it goes with its tags.
        lowered ??= text.toLowerCase();
        const close = lowered.indexOf(`</${name}`, end);
        const closeEnd = close < 0 ? -1 : text.indexOf('>', close);
        end = closeEnd < 0 ? text.length : closeEnd + 1;
      }
    }
    first ??= text.slice(at, Math.min(end, at + 40));
    out += text.slice(from, at) + (BLOCK_TAGS.has(name) ? (layout === 'block' ? '\n' : ' ') : '');
    from = end;
    starts.lastIndex = end;
  }
  return { text: from === 0 ? text : out + text.slice(from), first };
}

const ENTITY = /&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g;

/** Decodes HTML character references once; an unknown name or an impossible code point stays as written. */
export function decodeHtmlEntities(text: string): string {
  return text.replace(ENTITY, (reference, body: string) => {
    if (body[0] !== '#') return HTML_ENTITIES.get(body) ?? reference;
    const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
    if (code >= 0x80 && code <= 0x9f) return WINDOWS_1252_C1[code - 0x80] || reference;
    const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
    return valid ? String.fromCodePoint(code) : reference;
  });
}

// UTF-8 read as Latin-1/windows-1252: the lead byte of é, è, à, ç… (0xC3, also 0xC2 and 0xC5) shows as Ã, Â or Å
// followed by what the continuation byte (0x80–0xBF) reads as; ’ “ ” … – — € (0xE2 0x80 …) show as `â€`.
const WINDOWS_1252_HIGH = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
const MOJIBAKE = new RegExp(`[ÂÃÅ][\\u0080-\\u00BF${WINDOWS_1252_HIGH}]|â€`);

/** The first word of `text` that reads as doubly encoded UTF-8 (`MÃ©tiers`), or null. */
export function mojibakeIn(text: string): string | null {
  const match = MOJIBAKE.exec(text);
  if (match === null) return null;
  const start = text.lastIndexOf(' ', match.index) + 1;
  const end = text.indexOf(' ', match.index + 2);
  return text.slice(Math.max(start, match.index - 20), Math.min(end < 0 ? text.length : end, match.index + 20));
}
