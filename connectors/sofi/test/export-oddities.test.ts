import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytes, formation, lheo, readAll } from './helpers.js';

// Exports a careful data steward made by hand (issue 14): well-formed or nearly, each with one oddity that the
// report must name, at the right line and element, without letting it through silently.

/** The same text as chunks of `size` bytes, as a stream delivers them. */
const chunked = (text: string | Buffer, size: number): Uint8Array[] => {
  const all = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < all.length; offset += size) chunks.push(all.subarray(offset, offset + size));
  return chunks;
};

/** `count` valid formations F2, F3…, each on its own 9 lines (see `formation`). */
const filler = (count: number) => Array.from({ length: count }, (_, n) => formation({ numero: `F${n + 2}` })).join('');

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('one text clean-up for every free-text field (point 2)', () => {
  const content =
    '<contenu-formation>&lt;p&gt;Soudure &lt;b&gt;TIG&lt;/b&gt; et MIG&lt;/p&gt;&lt;ul&gt;&lt;li&gt;Niveau &amp;lt; bac&lt;/li&gt;' +
    '&lt;li&gt;Plan&amp;nbsp;de&amp;nbsp;soudage&lt;/li&gt;&lt;/ul&gt;</contenu-formation>\n';
  const xml = lheo(
    formation({
      numero: 'F1',
      title: 'M&amp;eacute;tiers du bois &amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;',
    }) +
      formation({ numero: 'F2', title: 'Niveau &lt; bac et &gt; CAP' }) +
      formation({
        numero: 'F3',
        title: '<![CDATA[Attendre&hellip; 10&ndash;12&deg;C, 5&euro;, No&euml;l, &Ecirc;tre]]>',
        action:
          '<conditions-specifiques><![CDATA[<p>Être inscrit&nbsp;;</p><p>entretien</p>]]></conditions-specifiques>\n',
      }).replace('</intitule-formation>', `</intitule-formation>\n${content}`),
  );

  it('when text holds HTML entities, escaped or doubly escaped markup, then every field is plain text and escaped markup is never live', async () => {
    const { report, sessions } = await readAll(bytes(xml));

    expect(report.valid).toBe(true);
    expect(sessions.map((session) => session.formation.title)).toEqual([
      'Métiers du bois',
      'Niveau < bac et > CAP',
      'Attendre… 10–12°C, 5€, Noël, Être',
    ]);
    expect(sessions[2]?.formation.content).toBe('Soudure TIG et MIG\nNiveau < bac\nPlan de soudage');
    expect(sessions[2]?.action.conditions).toBe('Être inscrit ;\nentretien');
    expect(report.warnings).toEqual([
      {
        line: lineOf(xml, 'M&amp;eacute;'),
        path: '/lheo/offres/formation[1]/intitule-formation',
        message:
          'escaped markup "<script>alert(1)</script>" in <intitule-formation>: removed, a page would read it as HTML',
      },
    ]);
  });

  it('when an XML 1.1 export holds control characters, then they are removed from the text, with a warning', async () => {
    const xml11 = lheo(formation({ title: 'Sou&#x1;deur&#x7F; TIG' })).replace('version="1.0"', 'version="1.1"');

    const { report, sessions } = await readAll(bytes(xml11));

    expect(sessions[0]?.formation.title).toBe('Soudeur TIG');
    expect(report.warnings).toEqual([
      {
        line: 5,
        path: '/lheo/offres/formation[1]/intitule-formation',
        message: 'control characters removed from <intitule-formation>',
      },
    ]);
  });
});

describe('date coherence (point 3)', () => {
  const period = (debut: string, fin: string) => ({
    session: `<periode><debut>${debut}</debut><fin>${fin}</fin></periode>`,
  });

  it('when a session ends before it starts, by day or at the precision both dates have, then the session is in error', async () => {
    const xml = lheo(
      formation({ numero: 'F1', ...period('20240902', '20240830') }) +
        formation({ numero: 'F2', ...period('20240500', '20230000') }) +
        formation({ numero: 'F3', ...period('20240515', '20240500') }) +
        formation({ numero: 'F4', ...period('20240500', '20240000') }),
    );

    const { report, sessions } = await readAll(bytes(xml));

    expect(report.valid).toBe(false);
    expect(report.errors).toEqual([
      {
        line: 8,
        path: '/lheo/offres/formation[1]/action[1]/session[1]/periode',
        message: 'session ends (2024-08-30) before it starts (2024-09-02)',
      },
      {
        line: 17,
        path: '/lheo/offres/formation[2]/action[1]/session[1]/periode',
        message: 'session ends (2023) before it starts (2024-05)',
      },
    ]);
    // Same month, same year: not before at the precision both have.
    expect(sessions.map((session) => session.formation.numero)).toEqual(['F3', 'F4']);
  });
});

describe('a bare & (point 4)', () => {
  it('when a title holds a bare "&" and the next ";" is lines below, then it is reported at its own line and column', async () => {
    const xml = lheo(formation({ title: 'Cuisine & pâtisserie' }) + filler(20).replace('Soudeur', 'Soudeur ; TIG'));

    const { report } = await readAll(bytes(xml));

    expect(report.errors).toEqual([
      {
        line: 5,
        path: '/lheo/offres/formation[1]/intitule-formation',
        message: 'malformed XML at line 5, column 29: bare "&": an ampersand must be written "&amp;"',
      },
    ]);
  });

  it('when no ";" follows for megabytes, then the "&" is still reported where it is, not as an endless token', async () => {
    const xml = lheo(filler(5) + formation({ numero: 'F99', title: 'R&D' }) + filler(6000));

    const { report } = await readAll(chunked(xml, 65_536));

    expect(xml.length).toBeGreaterThan(2_000_000);
    expect(report.errors).toEqual([
      {
        line: 50,
        path: '/lheo/offres/formation[6]/intitule-formation',
        message: 'malformed XML at line 50, column 22: bare "&": an ampersand must be written "&amp;"',
      },
    ]);
  });

  it('when an "&" is in an attribute, or starts an HTML entity, then it is reported there; in CDATA or a comment it is text', async () => {
    const attribute = await readAll(bytes(lheo(formation({ numero: 'F&1' }))));
    const entity = await readAll(bytes(lheo(formation({ title: 'Soudeur &eacute;' }))));
    const literal = await readAll(bytes(lheo(formation({ title: '<![CDATA[R&D]]> <!-- a & b -->' }))));

    expect(attribute.report.errors[0]).toMatchObject({
      line: 4,
      message: expect.stringMatching(/column 21: bare "&"/),
    });
    expect(entity.report.errors[0]?.message).toBe(
      'malformed XML at line 5, column 29: undefined entity "&eacute;": without a DTD, XML knows only ' +
        '&amp; &lt; &gt; &quot; &apos; (an HTML entity must be escaped: "&amp;eacute;")',
    );
    expect(literal.report.valid).toBe(true);
    expect(literal.sessions[0]?.formation.title).toBe('R&D');
  });
});

describe('the bare & search across chunk boundaries (point 4)', () => {
  it('when the file comes in chunks of any size, then comments, CDATA and references cut by a boundary read the same', async () => {
    const body =
      '<a>x &amp; y</a><!-- c & d --><b><![CDATA[ e & f ]]></b><?pi g & h?><c t="&lt;">i &#233; &#x41; j</c>';
    const xml = lheo(formation({ action: `<extras><extra>${body.repeat(3)}k & l</extra></extras>` }));
    const all = Buffer.from(xml);
    const column = (xml.split('\n')[6] as string).indexOf('k & l') + 3;
    const expected = [
      {
        line: 7,
        path: '/lheo/offres/formation[1]/action[1]/extras/extra',
        message: `malformed XML at line 7, column ${column}: bare "&": an ampersand must be written "&amp;"`,
      },
    ];

    for (let size = 1; size <= 90; size++) {
      const { report } = await readAll(chunked(all, size));
      expect({ size, errors: report.errors }).toEqual({ size, errors: expected });
    }
  });
});

describe('silent oddities now said (point 5)', () => {
  it('when a text is doubly encoded UTF-8, then it is kept with a warning', async () => {
    const { report, sessions } = await readAll(bytes(lheo(formation({ title: 'MÃ©tiers du bois' }))));

    expect(sessions[0]?.formation.title).toBe('MÃ©tiers du bois');
    expect(report.warnings).toEqual([
      {
        line: 5,
        path: '/lheo/offres/formation[1]/intitule-formation',
        message: '<intitule-formation> reads as doubly encoded UTF-8 ("MÃ©tiers"): kept as given',
      },
    ]);
  });

  it('when a title or a <periode> is repeated, then the first is kept and the repeat is warned', async () => {
    const xml = lheo(
      formation({
        title: 'Soudeur</intitule-formation>\n<intitule-formation>Chaudronnier',
        session:
          '<periode><debut>20240902</debut><fin>20250630</fin></periode>\n' +
          '<periode><debut>20230101</debut><fin>20230102</fin></periode>',
      }),
    );

    const { report, sessions } = await readAll(bytes(xml));

    expect(sessions[0]?.formation.title).toBe('Soudeur');
    expect([sessions[0]?.session.start, sessions[0]?.session.end]).toEqual(['2024-09-02', '2025-06-30']);
    expect(report.warnings).toEqual([
      {
        line: 6,
        path: '/lheo/offres/formation[1]/intitule-formation[2]',
        message: 'repeated <intitule-formation> in <formation> (LHEO allows one): ignored, the first (line 5) is used',
      },
      {
        line: 10,
        path: '/lheo/offres/formation[1]/action[1]/session[1]/periode[2]',
        message: 'repeated <periode> in <session> (LHEO allows one): ignored, the first (line 9) is used',
      },
    ]);
  });

  it('when <debut> and <fin> are empty, then it is warned like a missing <periode>', async () => {
    const empty = await readAll(bytes(lheo(formation({ session: '<periode><debut></debut><fin> </fin></periode>' }))));
    const missing = await readAll(bytes(lheo(formation({ session: '' }))));

    expect([empty.sessions[0]?.session.start, empty.sessions[0]?.session.end]).toEqual([null, null]);
    expect(empty.report.warnings).toEqual([
      {
        line: 8,
        path: '/lheo/offres/formation[1]/action[1]/session[1]/periode',
        message: '<periode> without any date (<debut> and <fin> empty or missing): start and end unknown',
      },
    ]);
    expect(missing.report.warnings[0]?.message).toBe('session without <periode>: start and end unknown');
  });

  it('when a gzip or a PNG file is given, then it is named as a binary file, not as a wrong encoding', async () => {
    const gzip = await readAll([gzipSync(lheo(formation()))]);
    const png = await readAll([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')]);

    expect(gzip.report.errors).toEqual([
      {
        line: 1,
        path: '/',
        message: 'not a LHEO export: binary file (gzip); an export is an XML text file (decompress it first)',
      },
    ]);
    expect(png.report.errors[0]?.message).toBe(
      'not a LHEO export: binary file (PNG image); an export is an XML text file',
    );
  });

  it('when numbers contain "|", then their sessions are in error for it, not false duplicates of each other', async () => {
    // F|1 / A / S and F / 1|A / S would both be "F|1|A|S".
    const xml = lheo(
      formation({ numero: 'F|1' }).replace('numero="A1"', 'numero="A"') +
        formation({ numero: 'F' }).replace('numero="A1"', 'numero="1|A"'),
    );

    const { report } = await readAll(bytes(xml));

    expect(report.errors.map(({ path, message }) => ({ path, message }))).toEqual([
      {
        path: '/lheo/offres/formation[1]',
        message:
          '<formation> numero "F|1" contains "|", the separator of session keys (formation|action|session): ' +
          'sessions could not be told apart',
      },
      {
        path: '/lheo/offres/formation[2]/action[1]',
        message:
          '<action> numero "1|A" contains "|", the separator of session keys (formation|action|session): ' +
          'sessions could not be told apart',
      },
    ]);
  });

  it('when a session key repeats in the file, then it is still a duplicate', async () => {
    const { report } = await readAll(bytes(lheo(formation() + formation())));

    expect(report.errors).toEqual([
      {
        line: 16,
        path: '/lheo/offres/formation[2]/action[1]/session[1]',
        message: 'duplicate session key "F1|A1|S1" (first at line 7)',
      },
    ]);
  });

  it('when the bad encoding comes late in the file, then the error names the line and the element it is in', async () => {
    const before = lheo(`${filler(2000)}${formation({ numero: 'F9999', title: 'TITLE' })}${filler(3)}`);
    const line = lineOf(before, 'TITLE');
    const [head, tail] = before.split('TITLE') as [string, string];
    // "Métiers" in ISO-8859-1 inside a file declared UTF-8, some 800 KB in: many chunks after the first.
    const latin1 = Buffer.concat([Buffer.from(head), Buffer.from('Métiers', 'latin1'), Buffer.from(tail)]);
    const utf8InLatin1 = Buffer.from(before.replace('UTF-8', 'ISO-8859-1').replace('TITLE', 'MÃ©tiers'), 'utf8');

    const declaredUtf8 = await readAll(chunked(latin1, 65_536));
    const declaredLatin1 = await readAll(chunked(utf8InLatin1, 65_536));

    expect(latin1.length).toBeGreaterThan(700_000);
    expect(declaredUtf8.report.errors).toEqual([
      {
        line,
        path: '/lheo/offres/formation[2001]/intitule-formation',
        message: `wrong encoding: declared UTF-8 but line ${line} has bytes that are not UTF-8 (ISO-8859-1?)`,
      },
    ]);
    expect(declaredLatin1.report.errors).toEqual([
      {
        line,
        path: '/lheo/offres/formation[2001]/intitule-formation',
        message: `wrong encoding: declared ISO-8859-1 but the bytes at line ${line} are UTF-8 (text would read "Ã©")`,
      },
    ]);
  });
});
