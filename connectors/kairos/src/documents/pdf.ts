/**
 * A minimal PDF 1.4 writer for one-page text documents: Helvetica (a standard font every reader has, nothing to
 * embed) in WinAnsiEncoding, so French text prints with its accents. Enough for the fiche régionale; the
 * shared `packages/documents` wrapper replaces it once it lands.
 */

export interface PdfLine {
  text: string;
  size?: number;
  bold?: boolean;
  /** Extra space before the line, in points. */
  gapBefore?: number;
}

/** Characters of WinAnsiEncoding outside Latin-1 (the 0x80–0x9F block). */
const WIN_ANSI_EXTRAS: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  ƒ: 0x83,
  '„': 0x84,
  '…': 0x85,
  '†': 0x86,
  '‡': 0x87,
  ˆ: 0x88,
  '‰': 0x89,
  Š: 0x8a,
  '‹': 0x8b,
  Œ: 0x8c,
  Ž: 0x8e,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '˜': 0x98,
  '™': 0x99,
  š: 0x9a,
  '›': 0x9b,
  œ: 0x9c,
  ž: 0x9e,
  Ÿ: 0x9f,
};

/** A PDF literal string in WinAnsi bytes: parentheses and backslashes escaped, unknown characters as '?'. */
function literal(text: string): Buffer {
  const bytes: number[] = [0x28];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0x3f;
    let byte = WIN_ANSI_EXTRAS[char] ?? (code >= 0x20 && code <= 0xff && !(code >= 0x7f && code <= 0x9f) ? code : 0x3f);
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) bytes.push(0x5c);
    if (char === '\t') byte = 0x20;
    bytes.push(byte);
  }
  bytes.push(0x29);
  return Buffer.from(bytes);
}

const A4 = { width: 595, height: 842, margin: 56 };

/** Lays the lines out top-down on one A4 page (lines that do not fit are cut, with an ellipsis line). */
export function renderPdf(lines: readonly PdfLine[], { title }: { title: string }): Buffer {
  const content: Buffer[] = [Buffer.from('BT\n')];
  let y = A4.height - A4.margin;
  for (const line of lines) {
    const size = line.size ?? 10;
    y -= (line.gapBefore ?? 0) + size * 1.4;
    if (y < A4.margin) {
      content.push(Buffer.from(`/F1 10 Tf 1 0 0 1 ${A4.margin} ${A4.margin} Tm `), literal('…'), Buffer.from(' Tj\n'));
      break;
    }
    content.push(Buffer.from(`/${line.bold ? 'F2' : 'F1'} ${size} Tf 1 0 0 1 ${A4.margin} ${y.toFixed(1)} Tm `));
    content.push(literal(line.text), Buffer.from(' Tj\n'));
  }
  content.push(Buffer.from('ET\n'));
  const stream = Buffer.concat(content);

  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${A4.width} ${A4.height}] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>`,
    ),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>'),
    Buffer.concat([Buffer.from(`<< /Length ${stream.length} >>\nstream\n`), stream, Buffer.from('\nendstream')]),
    Buffer.concat([Buffer.from('<< /Title '), literal(title), Buffer.from(' /Producer (Passerelle) >>')]),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0]?.length ?? 0;
  objects.forEach((body, index) => {
    offsets.push(length);
    const object = Buffer.concat([Buffer.from(`${index + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    parts.push(object);
    length += object.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>`,
    'startxref',
    String(length),
    '%%EOF',
    '',
  ].join('\n');
  parts.push(Buffer.from(xref));
  return Buffer.concat(parts);
}
