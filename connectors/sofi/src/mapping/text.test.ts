import { describe, expect, it } from 'vitest';
import { canonicalJson } from './content-hash.js';
import { cleanText, stripHtml } from './text.js';

describe('text fields', () => {
  it('when a text is empty, blank or "-", then it is null', () => {
    expect([cleanText(undefined), cleanText(''), cleanText('  \n'), cleanText(' - ')]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(cleanText('  Entretien  ')).toBe('Entretien');
  });

  it('when a title holds HTML, then tags are removed, entities decoded and spaces collapsed', () => {
    expect(stripHtml('<p>Agent <b>de</b>\n  sécurité</p>')).toBe('Agent de sécurité');
    expect(stripHtml('Cuisine &amp; p&acirc;tisserie &#8211; &#x2019;')).toBe('Cuisine & pâtisserie – ’');
    expect(stripHtml('&Eacute;lectricit&eacute; &unknown;')).toBe('Électricité &unknown;');
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
