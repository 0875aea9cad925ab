import { describe, expect, it } from 'vitest';
import { canonicalJson } from './content-hash.js';
import { cleanText, decodeHtmlEntities, mojibakeIn, plainText } from './text.js';

const line = (raw: string) => plainText(raw, 'line');

describe('identifiers and codes', () => {
  it('when a text is empty, blank or "-", then it is null', () => {
    expect([cleanText(undefined), cleanText(''), cleanText('  \n'), cleanText(' - ')]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(cleanText('  Entretien  ')).toBe('Entretien');
  });

  it('when a code holds control characters, then they are removed', () => {
    expect(cleanText('76\u0001000\u0085')).toBe('76000');
  });
});

describe('free text clean-up: decode, strip, keep text that is text', () => {
  it('when a title holds HTML, then tags are removed, entities decoded and spaces collapsed', () => {
    expect(line('<p>Agent <b>de</b>\n  sécurité</p>').text).toBe('Agent de sécurité');
    expect(line('Cuisine &amp; p&acirc;tisserie &#8211; &#x2019;').text).toBe('Cuisine & pâtisserie – ’');
    expect(line('&Eacute;lectricit&eacute; &unknown;').text).toBe('Électricité &unknown;');
  });

  it('when HTML entities are the common French ones, then the HTML table decodes them all', () => {
    expect(
      line(
        'Attendre&hellip; 10&ndash;12&nbsp;&deg;C, 5&euro;, No&euml;l, &Ecirc;tre, c&oelig;ur, l&rsquo;&eacute;t&eacute;',
      ).text,
    ).toBe('Attendre… 10–12 °C, 5€, Noël, Être, cœur, l’été');
    // Windows-made exports write windows-1252 code points; browsers read them so, and so does the clean-up.
    expect(decodeHtmlEntities('l&#146;&eacute;t&#233; &#150; &#128;')).toBe('l’été – €');
  });

  it('when markup was escaped once more (&amp;lt;script&amp;gt; in the XML), then it is removed, not made live, and reported', () => {
    // The XML parser has turned `M&amp;eacute;tiers &amp;lt;script&amp;gt;…` into this text.
    const cleaned = line('M&eacute;tiers &lt;script&gt;alert(1)&lt;/script&gt; du bois &lt;b&gt;urgent&lt;/b&gt;');
    expect(cleaned).toEqual({
      text: 'Métiers du bois urgent',
      controlCharacters: false,
      escapedMarkup: '<script>alert(1)</script>',
    });
    expect(cleaned.text).not.toContain('<');
  });

  it('when < and > are text (Niveau &lt; bac et &gt; CAP in the XML), then they stay, escaped once or twice', () => {
    expect(line('Niveau < bac et > CAP')).toEqual({
      text: 'Niveau < bac et > CAP',
      controlCharacters: false,
      escapedMarkup: null,
    });
    expect(line('Niveau &lt; bac et &gt; CAP').text).toBe('Niveau < bac et > CAP');
    expect(line('<p>Niveau &lt; bac</p> 3 < 4').text).toBe('Niveau < bac 3 < 4');
  });

  it('when a tag has an entity in an attribute, a comment or a script, then nothing of them is left', () => {
    expect(line('<a title="x &gt; y">lien</a> <!-- note --> <script>var b = "<b>";</script>texte').text).toBe(
      'lien texte',
    );
  });

  it('when a long text holds block markup or line breaks, then they become lines', () => {
    expect(plainText('<ul><li>Un</li><li>Deux &amp; trois</li></ul><p>Fin</p>', 'block').text).toBe(
      'Un\nDeux & trois\nFin',
    );
    expect(plainText('Ligne 1\r\n   Ligne 2\n\n\n\nLigne 3', 'block').text).toBe('Ligne 1\nLigne 2\n\nLigne 3');
    expect(line('<p>Un</p><p>Deux</p>').text).toBe('Un Deux');
  });

  it('when a text holds control characters, raw or as references, then they are removed and said', () => {
    expect(line('Soud\u0001eur&#1; &#x7f;TIG')).toEqual({
      text: 'Soudeur TIG',
      controlCharacters: true,
      escapedMarkup: null,
    });
  });

  it('when nothing but markup or "-" is left, then the text is null', () => {
    expect([line('<p> </p>').text, line('<b>-</b>').text, line('&nbsp;').text]).toEqual([null, null, null]);
  });

  it('when a hostile text holds a million unclosed tags or comments, then the clean-up stays linear', () => {
    const started = performance.now();
    for (const hostile of [
      '<a'.repeat(500_000),
      '<a x="'.repeat(200_000),
      '<!--'.repeat(250_000),
      '<a>'.repeat(300_000),
    ]) {
      line(hostile);
    }
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe('doubly encoded UTF-8', () => {
  it('when UTF-8 was read as Latin-1 before the export, then the sequence is found; French text is not', () => {
    expect(mojibakeIn('Les MÃ©tiers du bÃ¢timent')).toBe('MÃ©tiers');
    expect(mojibakeIn('Dans lâ€™entreprise')).toBe('lâ€™entreprise');
    expect(mojibakeIn('Âge, Être, Ça, Ébéniste, São Paulo, Åland, 2 × 3')).toBeNull();
  });
});

describe('canonicalJson', () => {
  it('when objects have the same content in another key order, then they serialise identically', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: null, e: 'x' }], c: true } })).toBe(
      canonicalJson({ a: { c: true, d: [2, { e: 'x', f: null }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });
});
