// Where a `&` is only a character: inside CDATA sections, comments and processing instructions. A DOCTYPE is
// refused when saxes reaches its end, so nothing after its start is looked at.
type Mode = 'markup' | 'comment' | 'cdata' | 'pi' | 'doctype';

const CLOSERS = { comment: '-->', cdata: ']]>', pi: '?>' } as const;

const DECLARATION = /<[!?]/g;
/** The references an XML document without DTD can make. */
const REFERENCE = /&(?:amp|lt|gt|quot|apos|#[0-9]{1,10}|#x[0-9a-fA-F]{1,8});/y;

/** How far past its `end` a scanned text must reach for a reference or a `<![CDATA[` that starts before it. */
export const AMPERSAND_LOOKAHEAD = 16;

/**
 * Finds the first `&` that does not start a reference, where XML needs one (text and attribute values). saxes reads
 * such an `&` as the start of an entity name running to the next `;`, so it reports the mistake there, at the end of
 * the file or as an endless token, often thousands of lines later; found here, it is reported where it is.
 * Scanning jumps from `&` to `<!`/`<?` (native searches): it costs little next to parsing.
 */
export class AmpersandScanner {
  #mode: Mode = 'markup';
  /** Absolute position where the next scan resumes (a pattern may have been read past the last text's `end`). */
  #resume = 0;

  /**
   * Scans `text`, which starts at absolute position `start`, from where the last scan stopped up to `end`; patterns
   * starting before `end` are read on into the rest of `text` (`AMPERSAND_LOOKAHEAD` characters are enough). The
   * next call's text must start at `start + end`. Returns the index in `text` of the first bad `&`, or -1.
   */
  scan(text: string, start: number, end: number): number {
    let at = Math.max(0, this.#resume - start);
    let nextAmpersand = -1;
    let nextDeclaration = -1; // `<!` or `<?`
    while (at < end) {
      if (this.#mode === 'doctype') {
        at = text.length;
        break;
      }
      if (this.#mode !== 'markup') {
        const closer = CLOSERS[this.#mode];
        const close = text.indexOf(closer, at);
        if (close < 0) {
          // The next text starts at `end`: the closer may begin in what it repeats of this one.
          at = end;
          break;
        }
        this.#mode = 'markup';
        at = close + closer.length;
        continue;
      }
      if (nextAmpersand < at) {
        const found = text.indexOf('&', at);
        nextAmpersand = found < 0 ? Number.POSITIVE_INFINITY : found;
      }
      if (nextDeclaration < at) {
        DECLARATION.lastIndex = at;
        nextDeclaration = DECLARATION.exec(text)?.index ?? Number.POSITIVE_INFINITY;
      }
      const next = Math.min(nextAmpersand, nextDeclaration);
      if (next >= end) {
        at = end;
        break;
      }
      if (next === nextAmpersand) {
        REFERENCE.lastIndex = next;
        if (!REFERENCE.test(text)) return next;
        at = REFERENCE.lastIndex;
      } else if (text[next + 1] === '?') {
        this.#mode = 'pi';
        at = next + 2;
      } else if (text.startsWith('<!--', next)) {
        this.#mode = 'comment';
        at = next + 4;
      } else if (text.startsWith('<![CDATA[', next)) {
        this.#mode = 'cdata';
        at = next + 9;
      } else {
        // `<!DOCTYPE`, or a declaration saxes refuses at once.
        this.#mode = 'doctype';
      }
    }
    this.#resume = start + at;
    return -1;
  }
}

/** What a bad `&` at `at` in `text` is, for the report (its line and column are the caller's). */
export function ampersandMistake(text: string, at: number): string {
  const name = /^&([A-Za-z_][\w.-]{0,40});/.exec(text.slice(at, at + 44))?.[1];
  return name === undefined
    ? 'bare "&": an ampersand must be written "&amp;"'
    : `undefined entity "&${name};": without a DTD, XML knows only &amp; &lt; &gt; &quot; &apos; ` +
        `(an HTML entity must be escaped: "&amp;${name};")`;
}
