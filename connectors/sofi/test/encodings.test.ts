import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytes, fixture, formation, lheo, ONISEP, readAll } from './helpers.js';

describe('encodings', () => {
  it('when an ISO-8859-1 copy of the ONISEP export is read, then accents decode right and the snapshot equals the UTF-8 one', async () => {
    const latin1 = await readAll(fixture('onisep-iso-8859-1.xml'));
    const utf8 = await readAll(ONISEP);
    expect(latin1.report).toMatchObject({ valid: true, encoding: 'ISO-8859-1', errors: [], warnings: [] });
    expect(latin1.sessions[0]?.formation.title).toBe('BTS négociation et relation client');
    expect(latin1.sessions[0]?.action.trainingPlaces[0]?.city).toBe('QUIMPERLÉ');
    expect(latin1.sessions[0]?.formation.responsibleOrganisation.name).toBe('Lycée Kerneuzec');
    expect(latin1.sessions).toEqual(utf8.sessions);
  });

  it('when an ISO-8859-1 file is fed one byte at a time, then it decodes the same', async () => {
    const data = readFileSync(fixture('onisep-iso-8859-1.xml'));
    const oneByteChunks = Array.from(data, (byte) => Uint8Array.of(byte));
    const { sessions } = await readAll(oneByteChunks);
    expect(sessions[0]?.formation.title).toBe('BTS négociation et relation client');
  });

  it('when a UTF-8 file is fed one byte at a time, then multi-byte characters split across chunks decode right', async () => {
    const data = readFileSync(ONISEP);
    const { sessions } = await readAll(Array.from(data, (byte) => Uint8Array.of(byte)));
    expect(sessions[0]?.action.trainingPlaces[0]?.city).toBe('QUIMPERLÉ');
  });

  it('when a windows-1252 file has œ and ’, then they decode right', async () => {
    const [before, after] = lheo(formation({ title: 'TITLE' }))
      .replace('encoding="UTF-8"', 'encoding="windows-1252"')
      .split('TITLE') as [string, string];
    // "Cœur de métier’" in windows-1252: œ = 0x9C, é = 0xE9, ’ = 0x92
    const title = Buffer.of(0x43, 0x9c, 0x75, 0x72, 0x20, 0x64, 0x65, 0x20, 0x6d, 0xe9, 0x74, 0x69, 0x65, 0x72, 0x92);
    const { report, sessions } = await readAll([Buffer.concat([Buffer.from(before), title, Buffer.from(after)])]);
    expect(report.encoding).toBe('windows-1252');
    expect(sessions[0]?.formation.title).toBe('Cœur de métier’');
  });

  it('when a file declared UTF-8 holds ISO-8859-1 bytes, then it is refused with the line of the first bad byte', async () => {
    const { report, sessions } = await readAll(fixture('declared-utf8-latin1-bytes.xml'));
    expect(report.valid).toBe(false);
    expect(sessions).toEqual([]);
    expect(report.errors).toEqual([
      {
        line: 13,
        path: '/lheo/offres/formation[1]/intitule-formation',
        message: 'wrong encoding: declared UTF-8 but line 13 has bytes that are not UTF-8 (ISO-8859-1?)',
      },
    ]);
  });

  it('when a file declared ISO-8859-1 holds UTF-8 bytes, then it is refused instead of publishing "Ã©"', async () => {
    const { report } = await readAll(fixture('declared-latin1-utf8-bytes.xml'));
    expect(report.valid).toBe(false);
    expect(report.errors).toEqual([
      {
        line: 13,
        path: '/lheo/offres/formation[1]/intitule-formation',
        message: 'wrong encoding: declared ISO-8859-1 but the bytes at line 13 are UTF-8 (text would read "Ã©")',
      },
    ]);
  });

  it('when a file declares UTF-16 or an unknown encoding, then it is refused', async () => {
    const utf16 = await readAll(bytes(lheo(formation()).replace('UTF-8', 'UTF-16')));
    expect(utf16.report.errors[0]?.message).toBe(
      'unsupported encoding "UTF-16" declared; LHEO exports are UTF-8 or ISO-8859-1',
    );
    const bom = await readAll([Buffer.concat([Buffer.of(0xff, 0xfe), Buffer.from('<', 'utf16le')])]);
    expect(bom.report.errors[0]?.message).toMatch(/^unsupported encoding: UTF-16/);
  });

  it('when a file has a UTF-8 byte-order mark and no declaration, then it reads as UTF-8', async () => {
    const text = lheo(formation({ title: 'Électricien' })).replace(/^<\?xml[^>]*\?>\n/, '');
    const { report, sessions } = await readAll([Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from(text)])]);
    expect(report.valid).toBe(true);
    expect(sessions[0]?.formation.title).toBe('Électricien');
  });
});
