/**
 * Text fields as published: trimmed, and null when empty or `-` (exporters write `-` in mandatory text elements
 * that have nothing to say, as both real samples do).
 */
export function cleanText(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const text = raw.trim();
  return text === '' || text === '-' ? null : text;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  agrave: 'à',
  acirc: 'â',
  ccedil: 'ç',
  ocirc: 'ô',
  icirc: 'î',
  ucirc: 'û',
  ugrave: 'ù',
  oelig: 'œ',
  Eacute: 'É',
  Egrave: 'È',
  Agrave: 'À',
  Ccedil: 'Ç',
  OElig: 'Œ',
  rsquo: '’',
  laquo: '«',
  raquo: '»',
};

/**
 * Plain text of an HTML fragment, for titles: exporters put escaped HTML (`&lt;p&gt;…`, already unescaped once by
 * the XML parser) or CDATA with markup in text elements. Tags become spaces, HTML entities are decoded, whitespace
 * is collapsed.
 */
export function stripHtml(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
      if (body.startsWith('#')) {
        const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
        return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      }
      return NAMED_ENTITIES[body] ?? entity;
    })
    .replace(/\s+/g, ' ')
    .trim();
}
