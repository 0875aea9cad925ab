import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';

/** A block of a printable document, laid out top to bottom. */
export type DocumentBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  /** A key/value table (label on the left, value wrapped on the right). */
  | { kind: 'fields'; rows: ReadonlyArray<readonly [label: string, value: string]> };

export interface DocumentSpec {
  /** Printed as the heading of the first page and stored as the PDF's metadata title. */
  title: string;
  /** Printed under the title (e.g. the sender). */
  subtitle?: string;
  blocks: readonly DocumentBlock[];
  /** Printed at the bottom of every page, with the page number. */
  footer?: string;
  /** Metadata (never personal data: PDF metadata is easily indexed by mail and file tools). */
  author?: string;
  subject?: string;
  keywords?: readonly string[];
  /** Creation date stored in the metadata; fixed dates give byte-identical documents. */
  createdAt?: Date;
}

const PAGE = { width: 595.28, height: 841.89 }; // A4, in points
const MARGIN = 56;
const BODY_SIZE = 10.5;
const LINE = BODY_SIZE * 1.4;
const LABEL_WIDTH = 170;
const GREY = rgb(0.35, 0.35, 0.35);

/**
 * Renders a simple letter or sheet to PDF: A4, Helvetica (a standard font, WinAnsi encoding, so no font file is
 * embedded and French text — accents, œ, ’, « », € — is written as such and stays extractable), paragraphs and
 * key/value tables wrapped to the page width, new pages as needed, a footer with page numbers.
 *
 * Characters WinAnsi cannot hold (emoji, non-Latin scripts) are printed as `?` rather than failing the document.
 */
export async function renderPdf(spec: DocumentSpec): Promise<Buffer> {
  const document = await PDFDocument.create();
  const createdAt = spec.createdAt ?? new Date();
  document.setTitle(spec.title, { showInWindowTitleBar: true });
  document.setLanguage('fr-FR');
  document.setCreator('Passerelle');
  document.setProducer('Passerelle documents (pdf-lib)');
  document.setCreationDate(createdAt);
  document.setModificationDate(createdAt);
  if (spec.author) document.setAuthor(spec.author);
  if (spec.subject) document.setSubject(spec.subject);
  if (spec.keywords && spec.keywords.length > 0) document.setKeywords([...spec.keywords]);

  const regular = await document.embedFont(StandardFonts.Helvetica);
  const bold = await document.embedFont(StandardFonts.HelveticaBold);
  const layout = new Layout(document, regular, bold);

  layout.write(spec.title, { font: bold, size: 16, gapAfter: 4 });
  if (spec.subtitle) layout.write(spec.subtitle, { color: GREY, gapAfter: 10 });
  else layout.space(10);
  for (const block of spec.blocks) {
    if (block.kind === 'heading') layout.write(block.text, { font: bold, size: 12.5, gapBefore: 8, gapAfter: 4 });
    else if (block.kind === 'paragraph') layout.write(block.text, { gapAfter: 8 });
    else layout.fields(block.rows);
  }
  layout.footers(spec.footer);
  return Buffer.from(await document.save());
}

interface WriteOptions {
  font?: PDFFont;
  size?: number;
  color?: ReturnType<typeof rgb>;
  x?: number;
  width?: number;
  gapBefore?: number;
  gapAfter?: number;
}

/** A cursor over pages: writes wrapped text and starts a new page when the current one is full. */
class Layout {
  readonly #document: PDFDocument;
  readonly #regular: PDFFont;
  readonly #bold: PDFFont;
  readonly #printable: Set<number>;
  #page: PDFPage;
  #y: number;

  constructor(document: PDFDocument, regular: PDFFont, bold: PDFFont) {
    this.#document = document;
    this.#regular = regular;
    this.#bold = bold;
    this.#printable = new Set([...regular.getCharacterSet(), ...bold.getCharacterSet()]);
    this.#page = document.addPage([PAGE.width, PAGE.height]);
    this.#y = PAGE.height - MARGIN;
  }

  space(points: number) {
    this.#y -= points;
  }

  write(text: string, options: WriteOptions = {}) {
    const font = options.font ?? this.#regular;
    const size = options.size ?? BODY_SIZE;
    const x = options.x ?? MARGIN;
    const width = options.width ?? PAGE.width - MARGIN - x;
    this.#y -= options.gapBefore ?? 0;
    for (const line of this.#wrap(text, font, size, width)) {
      this.#ensureRoom(size * 1.4);
      this.#y -= size * 1.4;
      this.#page.drawText(line, { x, y: this.#y, size, font, color: options.color ?? rgb(0, 0, 0) });
    }
    this.#y -= options.gapAfter ?? 0;
  }

  fields(rows: ReadonlyArray<readonly [string, string]>) {
    const valueX = MARGIN + LABEL_WIDTH;
    const valueWidth = PAGE.width - MARGIN - valueX;
    for (const [label, value] of rows) {
      const labelLines = this.#wrap(label, this.#bold, BODY_SIZE, LABEL_WIDTH - 10);
      const valueLines = this.#wrap(value === '' ? '—' : value, this.#regular, BODY_SIZE, valueWidth);
      const height = Math.max(labelLines.length, valueLines.length) * LINE;
      // A row is kept on one page when it fits on one; a longer one flows on.
      if (height < PAGE.height - 2 * MARGIN) this.#ensureRoom(height);
      const top = this.#y;
      labelLines.forEach((line, index) => {
        this.#page.drawText(line, { x: MARGIN, y: top - (index + 1) * LINE, size: BODY_SIZE, font: this.#bold });
      });
      this.write(value === '' ? '—' : value, { x: valueX, width: valueWidth });
      this.#y = Math.min(this.#y, top - labelLines.length * LINE) - 3;
    }
    this.#y -= 6;
  }

  footers(footer: string | undefined) {
    const pages = this.#document.getPages();
    pages.forEach((page, index) => {
      const text = this.#printableText(`${footer ? `${footer} — ` : ''}page ${index + 1} / ${pages.length}`);
      page.drawText(text, { x: MARGIN, y: MARGIN / 2, size: 8, font: this.#regular, color: GREY });
    });
  }

  #ensureRoom(height: number) {
    if (this.#y - height >= MARGIN) return;
    this.#page = this.#document.addPage([PAGE.width, PAGE.height]);
    this.#y = PAGE.height - MARGIN;
  }

  #printableText(text: string): string {
    let out = '';
    for (const char of text.normalize('NFC')) {
      const code = char.codePointAt(0) ?? 0;
      if (char === '\t') out += ' ';
      else out += this.#printable.has(code) ? char : '?';
    }
    return out;
  }

  /** Greedy word wrap at `width`; explicit newlines are kept; a word longer than a line is cut. */
  #wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const lines: string[] = [];
    for (const paragraph of this.#printableText(text).split(/\r?\n/)) {
      let line = '';
      for (const word of paragraph.split(/ +/)) {
        const candidate = line === '' ? word : `${line} ${word}`;
        if (font.widthOfTextAtSize(candidate, size) <= width) {
          line = candidate;
          continue;
        }
        if (line !== '') lines.push(line);
        line = word;
        while (font.widthOfTextAtSize(line, size) > width && line.length > 1) {
          let cut = line.length - 1;
          while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut -= 1;
          lines.push(line.slice(0, cut));
          line = line.slice(cut);
        }
      }
      lines.push(line);
    }
    return lines;
  }
}
