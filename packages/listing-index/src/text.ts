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

const FOLDED: Record<string, string> = {
  à: 'a',
  â: 'a',
  ä: 'a',
  á: 'a',
  ã: 'a',
  å: 'a',
  ç: 'c',
  é: 'e',
  è: 'e',
  ê: 'e',
  ë: 'e',
  í: 'i',
  ì: 'i',
  î: 'i',
  ï: 'i',
  ñ: 'n',
  ó: 'o',
  ò: 'o',
  ô: 'o',
  ö: 'o',
  õ: 'o',
  ú: 'u',
  ù: 'u',
  û: 'u',
  ü: 'u',
  ý: 'y',
  ÿ: 'y',
  œ: 'oe',
  æ: 'ae',
};
/** French letters with diacritics, and the typographic punctuation of French texts (’ « » – — …), a separator. */
const FRENCH_LETTERS = /[àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæ’‘«»–—…\u00a0\u202f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * Lower case, without diacritics (é → e, œ → oe, ç → c). French letters go through a table (one pass, no Unicode
 * decomposition: indexing 60 000 sessions is dominated by this); anything else non-ASCII through NFD.
 */
export function normalize(text: string): string {
  const folded = text.toLowerCase().replace(FRENCH_LETTERS, (letter) => FOLDED[letter] ?? ' ');
  if (!NON_ASCII.test(folded)) return folded;
  return folded.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
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
