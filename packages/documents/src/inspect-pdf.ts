import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream } from 'pdf-lib';

export interface PdfSummary {
  pageCount: number;
  title: string | undefined;
  author: string | undefined;
  subject: string | undefined;
  /** pdf-lib stores keywords as one space-separated string. */
  keywords: string | undefined;
  /** The text drawn on each page, one string per page, lines joined with "\n". */
  pages: string[];
}

/** WinAnsi (cp1252) 0x80–0x9F; the rest is Latin-1. Node's TextDecoder maps windows-1252 to plain Latin-1. */
const WIN_ANSI_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const decodeWinAnsi = (bytes: Buffer) =>
  Array.from(bytes, (byte) =>
    byte >= 0x80 && byte <= 0x9f ? WIN_ANSI_HIGH[byte - 0x80] : String.fromCharCode(byte),
  ).join('');

/**
 * Parses a PDF back and extracts the text of documents written by `renderPdf` (standard fonts: WinAnsi hex
 * strings in `Tj` operators). For tests and checks — not a general PDF text extractor.
 */
export async function inspectPdf(bytes: Uint8Array): Promise<PdfSummary> {
  const document = await PDFDocument.load(bytes, { updateMetadata: false });
  const pages = document.getPages().map((page) => {
    const contents = page.node.Contents();
    const streams =
      contents instanceof PDFArray ? contents.asArray().map((ref) => document.context.lookup(ref)) : [contents];
    const lines: string[] = [];
    for (const stream of streams) {
      if (!(stream instanceof PDFRawStream)) continue;
      const operators = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
      for (const match of operators.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g))
        lines.push(decodeWinAnsi(Buffer.from(match[1] ?? '', 'hex')));
    }
    return lines.join('\n');
  });
  return {
    pageCount: document.getPageCount(),
    title: document.getTitle(),
    author: document.getAuthor(),
    subject: document.getSubject(),
    keywords: document.getKeywords(),
    pages,
  };
}
