import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseLheo } from '../src/lheo/parse-lheo.js';
import { MAPPING_REVISION } from '../src/mapping/map-formation.js';
import { readOfferSessions } from '../src/read-offer-sessions.js';
import { bytes, fixture, formation, INTERCARIF, lheo, ONISEP, readAll, readText } from './helpers.js';

// A formation's source fingerprint (OfferSession.sourceHash) lets an importer skip formations it already knows.
// It must be a function of the formation's text alone, and a formation it skips must still count and still clash
// with duplicate keys.

/** Each formation's source digest, in document order. */
async function digestsOf(source: Uint8Array[]): Promise<string[]> {
  const digests: string[] = [];
  await parseLheo(source, { onFormation: (_, digest) => void digests.push(digest) });
  return digests;
}

/** The same bytes cut into chunks of `size` (a multi-byte character is cut too). */
const chunked = (text: string, size: number): Uint8Array[] => {
  const all = Buffer.from(text, 'utf8');
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < all.length; offset += size) chunks.push(all.subarray(offset, offset + size));
  return chunks;
};

const recrutement = readText(fixture('lheo-2.3-recrutement.xml'));

describe('formation source digests', () => {
  it('when the same file is read in chunks of any size, then every formation has the same digest', async () => {
    const whole = await digestsOf(bytes(recrutement));

    expect(whole).toHaveLength(2);
    expect(new Set(whole).size).toBe(2);
    for (const size of [1, 7, 4096]) expect(await digestsOf(chunked(recrutement, size))).toEqual(whole);
  });

  it('when a formation moves in the file or the text around it changes, then its digest stays', async () => {
    const [alone] = await digestsOf(bytes(lheo(formation({ numero: 'F2' }))));
    const moved = await digestsOf(
      bytes(lheo(`${formation({ numero: 'F1', title: 'Électricien' })}\n\n${formation({ numero: 'F2' })}`)),
    );

    expect(moved[1]).toBe(alone);
    expect(moved[0]).not.toBe(alone);
  });

  it('when one character of a formation, or an attribute of its start tag, changes, then only its digest changes', async () => {
    const [first, second] = await digestsOf(bytes(recrutement));
    const retitled = await digestsOf(bytes(recrutement.replace('<etat-recrutement>2<', '<etat-recrutement>1<')));
    const redated = await digestsOf(
      bytes(
        recrutement.replace(
          '<formation numero="76_AF_0000012346"',
          '<formation datemaj="20240401" numero="76_AF_0000012346"',
        ),
      ),
    );

    expect(retitled[0]).not.toBe(first);
    expect(retitled[1]).toBe(second);
    expect(redated[0]).toBe(first);
    expect(redated[1]).not.toBe(second);
  });

  it('when the same formation text is read as LHEO 2.2 and as 2.3, then the digests differ (the mapping may too)', async () => {
    const [in22] = await digestsOf(bytes(lheo(formation(), 'http://www.lheo.org/2.2')));
    const [in23] = await digestsOf(bytes(lheo(formation(), 'http://lheo.gouv.fr/2.3')));

    expect(in22).not.toBe(in23);
  });
});

describe('source fingerprints on snapshots', () => {
  it('when a formation maps without findings, then its sessions carry its fingerprint, outside the content hash', async () => {
    const { sessions } = await readAll(bytes(recrutement));
    const reformatted = await readAll(bytes(recrutement.replaceAll('\n<', '\n  <')));

    expect(sessions.map((snapshot) => snapshot.sourceHash)).toEqual([
      expect.stringMatching(/^[0-9a-f]{32}$/),
      sessions[0]?.sourceHash,
      sessions[0]?.sourceHash,
      expect.not.stringMatching(sessions[0]?.sourceHash ?? ''),
    ]);
    // Layout is not content: same content hashes (no event), other fingerprints (mapped again).
    expect(reformatted.sessions.map((snapshot) => snapshot.contentHash)).toEqual(
      sessions.map((snapshot) => snapshot.contentHash),
    );
    expect(reformatted.sessions[0]?.sourceHash).not.toBe(sessions[0]?.sourceHash);
  });

  it('when a formation reports a warning, then its sessions have no fingerprint (each import maps and reports it)', async () => {
    const warned = formation({
      numero: 'F1',
      session: '<periode><debut>20240902</debut><fin>20250630</fin></periode><etat-recrutement>7</etat-recrutement>',
    });
    const { report, sessions } = await readAll(bytes(lheo(`${warned}${formation({ numero: 'F2' })}`)));

    expect(report.warnings).toEqual([
      expect.objectContaining({ message: expect.stringContaining('etat-recrutement') }),
    ]);
    expect(sessions.map((snapshot) => [snapshot.sessionKey, snapshot.sourceHash])).toEqual([
      ['F1|A1|S1', null],
      ['F2|A1|S1', expect.stringMatching(/^[0-9a-f]{32}$/)],
    ]);
  });

  it('when the warning is in a later session, then the sessions before it keep the fingerprint, the others not', async () => {
    // Sessions are handed over as they are mapped: the ones before the first finding already went with it. The
    // formation is still mapped at every import, since one of its sessions has none.
    const period = '<periode><debut>20240902</debut><fin>20250630</fin></periode>';
    const warned = formation({
      session: `${period}</session>\n<session numero="S2">${period}<etat-recrutement>7</etat-recrutement></session>\n<session numero="S3">${period}`,
    });
    const actionWarned = formation({
      numero: 'F2',
      action: '<modalites-entrees-sorties>5</modalites-entrees-sorties>',
    });

    const { report, sessions } = await readAll(bytes(lheo(`${warned}${actionWarned}`)));

    expect(report.warningCount).toBe(2);
    expect(sessions.map((snapshot) => [snapshot.sessionKey, snapshot.sourceHash])).toEqual([
      ['F1|A1|S1', expect.stringMatching(/^[0-9a-f]{32}$/)],
      ['F1|A1|S2', null],
      ['F1|A1|S3', null],
      ['F2|A1|S1', null],
    ]);
  });
});

describe('skipping formations the caller knows', () => {
  const twoFormations = lheo(`${formation({ numero: 'F1' })}${formation({ numero: 'F2', title: 'Électricien' })}`);

  it('when the caller knows a formation, then it is counted but neither mapped nor handed over', async () => {
    const { sessions: all } = await readAll(bytes(twoFormations));
    const asked: Array<{ sourceHash: string; sessionKeys: string[] }> = [];
    const handed: string[] = [];

    const report = await readOfferSessions(bytes(twoFormations), {
      skipFormation: (known) => {
        asked.push(known);
        return known.sessionKeys[0] === 'F2|A1|S1';
      },
      onSession: (snapshot) => void handed.push(snapshot.sessionKey),
    });

    expect(asked).toEqual([
      { sourceHash: all[0]?.sourceHash, sessionKeys: ['F1|A1|S1'] },
      { sourceHash: all[1]?.sourceHash, sessionKeys: ['F2|A1|S1'] },
    ]);
    expect(handed).toEqual(['F1|A1|S1']);
    expect(report).toMatchObject({
      valid: true,
      formations: 2,
      actions: 2,
      sessions: 2,
      mappedSessions: 1,
      skippedSessions: 1,
    });
  });

  it('when a later formation repeats the key of a skipped one, then the duplicate is still an error', async () => {
    const file = lheo(`${formation({ numero: 'F1' })}${formation({ numero: 'F1', title: 'Électricien' })}`);

    const report = await readOfferSessions(bytes(file), { skipFormation: () => true });

    expect(report.valid).toBe(false);
    expect(report.skippedSessions).toBe(1);
    expect(report.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('duplicate session key "F1|A1|S1"') }),
    ]);
  });

  it('when a formation lacks a numero, then it is never offered for skipping (the mapping reports it)', async () => {
    const file = lheo(formation().replace('<session numero="S1">', '<session>'));
    let asked = 0;

    const report = await readOfferSessions(bytes(file), {
      skipFormation: () => {
        asked += 1;
        return true;
      },
    });

    expect(asked).toBe(0);
    expect(report.valid).toBe(false);
  });
});

describe('mapping revision', () => {
  it('when the mapping changes what it makes of the fixtures, then MAPPING_REVISION must change with it', async () => {
    // A snapshot's sourceHash covers MAPPING_REVISION: if the mapping changed without it, an importer would keep
    // skipping formations whose snapshots it now maps differently. When this digest changes, bump MAPPING_REVISION
    // in src/mapping/map-formation.ts and update both values below.
    const digest = createHash('sha256');
    for (const file of [ONISEP, INTERCARIF, fixture('lheo-2.3-recrutement.xml'), fixture('onisep-iso-8859-1.xml')]) {
      for (const snapshot of (await readAll(file)).sessions) digest.update(snapshot.contentHash);
    }

    expect({ revision: MAPPING_REVISION, snapshots: digest.digest('hex').slice(0, 16) }).toEqual({
      revision: 3,
      snapshots: 'cb346507436c82a2',
    });
  });
});
