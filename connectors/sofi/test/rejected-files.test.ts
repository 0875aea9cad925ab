import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLheo } from '../src/lheo/parse-lheo.js';
import { bytes, fixture, formation, lheo, ONISEP, readAll } from './helpers.js';

/** Reads a source and returns the report, the time taken and how many formations reached the mapping. */
async function timedRead(source: Parameters<typeof readAll>[0], options: Parameters<typeof readAll>[1] = {}) {
  const started = performance.now();
  const result = await readAll(source, options);
  return { ...result, elapsedMs: performance.now() - started };
}

describe('hostile XML', () => {
  it('when a billion-laughs DTD is given, then the file is refused at its DOCTYPE, fast, with nothing expanded', async () => {
    const { report, sessions, elapsedMs } = await timedRead(fixture('billion-laughs.xml'));
    expect(elapsedMs).toBeLessThan(2000);
    expect(report.valid).toBe(false);
    expect(report.lheoVersion).toBeNull();
    expect(report.errors).toEqual([
      { line: 13, path: '/', message: expect.stringMatching(/^DOCTYPE declaration refused/) },
    ]);
    expect(sessions).toEqual([]);
    expect(JSON.stringify(report)).not.toContain('lollol');
  });

  it('when an external entity points at /etc/passwd, then the file is refused before any entity is resolved', async () => {
    let formations = 0;
    const started = performance.now();
    const result = await parseLheo(fixture('external-entity.xml'), {
      onFormation: () => {
        formations += 1;
      },
    });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(formations).toBe(0);
    expect(result.root).toBeNull();
    expect(result.fatal?.message).toMatch(/^DOCTYPE declaration refused/);
    expect(JSON.stringify(result)).not.toContain('root:');
  });

  it('when a text node never ends, then reading stops within the limit without pulling the whole stream', async () => {
    let pulled = 0;
    async function* endlessText() {
      yield Buffer.from('<lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="F"><intitule-formation>');
      const megabyte = Buffer.alloc(1_048_576, 'a');
      for (let i = 0; i < 1000; i++) {
        pulled += 1;
        yield megabyte; // 1 GB if read to the end
      }
    }
    const heapBefore = process.memoryUsage().heapUsed;
    const { report, elapsedMs } = await timedRead(endlessText());
    expect(report.valid).toBe(false);
    expect(report.errors[0]?.message).toMatch(/longer than 2000000 characters/);
    expect(pulled).toBeLessThanOrEqual(3);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1_048_576);
    expect(elapsedMs).toBeLessThan(2000);
  });

  it('when elements nest without end, then the depth limit refuses the file', async () => {
    const deep = `<lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="F"><extras><extra>${'<a>'.repeat(100_000)}`;
    const { report, elapsedMs } = await timedRead(bytes(deep));
    expect(report.errors).toEqual([
      {
        line: 1,
        path: `/lheo/offres/formation[1]/extras/extra${'/a'.repeat(59)}`,
        message: 'elements nested deeper than 64 levels',
      },
    ]);
    expect(elapsedMs).toBeLessThan(2000);
  });

  it('when one formation holds more elements than allowed, then the file is refused', async () => {
    const big = lheo(
      formation({ session: '<periode><debut>20240101</debut><fin>20240101</fin></periode>'.repeat(50) }),
    );
    const { report } = await timedRead(bytes(big), { limits: { maxElementsPerFormation: 100 } });
    expect(report.valid).toBe(false);
    expect(report.errors[0]?.message).toBe('more than 100 elements in one formation');
  });

  it('when the text of one element exceeds the text limit, then the file is refused', async () => {
    const long = lheo(formation({ title: `${'x'.repeat(600)}<![CDATA[${'y'.repeat(600)}]]>` }));
    const { report } = await timedRead(bytes(long), { limits: { maxTextLength: 1000 } });
    expect(report.errors[0]?.message).toBe('text of <intitule-formation> longer than 1000 characters');
  });
});

describe('malformed, truncated and non-LHEO files', () => {
  it('when a closing tag does not match, then the file is refused with the line and column', async () => {
    const { report } = await timedRead(fixture('malformed.xml'));
    expect(report.valid).toBe(false);
    expect(report.errors).toEqual([
      {
        line: 5,
        path: '/lheo/offres/formation[1]',
        message: 'malformed XML at line 5, column 39: unexpected close tag.',
      },
    ]);
  });

  it('when the file is cut in the middle, then it is refused as malformed at its last line', async () => {
    const { report, sessions } = await timedRead(fixture('truncated.xml'));
    expect(report.valid).toBe(false);
    expect(sessions).toEqual([]);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]?.message).toMatch(/^malformed XML at line 51, column 1: unclosed tag: adresse/);
  });

  it('when the file ends inside a multi-byte character, then it is refused as truncated', async () => {
    const cut = readFileSync(ONISEP).subarray(0, 2_000);
    const atAccent = cut.lastIndexOf(0xc3); // first byte of a two-byte é
    const { report } = await timedRead([cut.subarray(0, atAccent + 1)]);
    expect(report.errors[0]?.message).toBe('file ends in the middle of a UTF-8 character (truncated?)');
  });

  it('when the root element is not lheo, then the file is refused as not LHEO', async () => {
    const { report } = await timedRead(fixture('not-lheo.xml'));
    expect(report).toMatchObject({ valid: false, lheoVersion: null });
    expect(report.errors).toEqual([
      { line: 2, path: '/catalogue', message: 'not a LHEO document: the root element is <catalogue>, expected <lheo>' },
    ]);
  });

  it('when lheo is in an unknown namespace, then the file is refused and the accepted namespaces are named', async () => {
    const { report } = await timedRead(fixture('wrong-namespace.xml'));
    expect(report.errors[0]?.message).toBe(
      'not a LHEO document: namespace "http://www.lheo.org/2.1", expected "http://www.lheo.org/2.2" or "http://lheo.gouv.fr/2.3"',
    );
  });

  it('when the file is empty, then it is refused', async () => {
    const { report } = await timedRead([new Uint8Array(0)]);
    expect(report.valid).toBe(false);
    expect(report.errors[0]?.message).toMatch(
      /^malformed XML at line 1, column 1: document must contain a root element/,
    );
  });

  it('when the offer has no formation, then the file is refused rather than read as "everything withdrawn"', async () => {
    const { report } = await timedRead(fixture('empty-offer.xml'));
    expect(report).toMatchObject({ valid: false, lheoVersion: '2.3', formations: 0 });
    expect(report.errors).toEqual([{ line: 2, path: '/lheo', message: 'no session in the file' }]);
  });

  it('when the document is followed by a second root, then it is refused', async () => {
    const twice = `${lheo(formation())}<lheo xmlns="http://lheo.gouv.fr/2.3"/>`;
    const { report } = await timedRead(bytes(twice));
    expect(report.valid).toBe(false);
    expect(report.errors[0]?.message).toMatch(
      /^malformed XML at line 15, column 7: documents may contain only one root/,
    );
  });

  it('when an undeclared entity is referenced, then the file is refused, not silently emptied', async () => {
    const { report } = await timedRead(bytes(lheo(formation({ title: 'Soudeur &eacute;' }))));
    expect(report.errors[0]?.message).toMatch(/undefined entity/);
  });
});
