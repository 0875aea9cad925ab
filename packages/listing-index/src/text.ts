/**
 * French full-text tokens, accent- and case-insensitive: "Préparateur de Commandes" → ["preparateur", "commande"].
 * Words are split on anything not a letter or a digit, stop words dropped, and a light plural stemming applied
 * (a final -s or -x of a word longer than 3 letters), so a query and a document meet on the same form.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const word of normalize(text).split(/[^a-z0-9]+/)) {
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    tokens.push(stem(word));
  }
  return tokens;
}

/** Lower case, without diacritics (é → e, œ → oe, ç → c). */
export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae');
}

function stem(word: string): string {
  if (word.length > 3 && (word.endsWith('s') || word.endsWith('x')) && !/\d/.test(word)) return word.slice(0, -1);
  return word;
}

const STOP_WORDS = new Set([
  'au',
  'aux',
  'avec',
  'ce',
  'ces',
  'dans',
  'de',
  'des',
  'du',
  'en',
  'est',
  'et',
  'il',
  'la',
  'le',
  'les',
  'leur',
  'ou',
  'par',
  'pas',
  'pour',
  'qui',
  'que',
  'sa',
  'se',
  'ses',
  'son',
  'sur',
  'un',
  'une',
  'vos',
  'votre',
]);
