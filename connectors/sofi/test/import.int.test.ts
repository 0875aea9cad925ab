import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Bus } from '@passerelle/bus';
import { createLogger } from '@passerelle/service-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { OfferImporter } from '../src/import/offer-importer.js';
import { offerTopic, shortRecord } from './inbound-helpers.js';

// Full exports into offer events on the real broker: first import, identical re-import (nothing), a changed
// copy (exactly the expected Published / Updated / Withdrawn), a rejected file (nothing), and the known offer
// rebuilt from Kafka by a fresh importer.

const log = createLogger({ service: 'sofi-import-test', level: process.env.LOG_LEVEL ?? 'silent' });
const fixture = readFileSync(fileURLToPath(new URL('./fixtures/lheo-2.3-recrutement.xml', import.meta.url)), 'utf8');
const onisep = readFileSync(fileURLToPath(new URL('../../../../shared/lheo/exemple-bts-onisep.xml', import.meta.url)));
const buses: Bus[] = [];
afterAll(async () => {
  await Promise.all(buses.map((bus) => bus.stop()));
});

/** The fixture without one <session> element. */
const withoutSession = (xml: string, numero: string) =>
  xml.replace(new RegExp(`<session numero="${numero}">[\\s\\S]*?</session>\\n?`), '');

async function setUp() {
  const { bus, topic, events, importer } = await offerTopic(buses);
  return { bus, topic, events, importer: importer() };
}

const sessionOf = (key: string) => key.slice(key.lastIndexOf('|') + 1);

describe('importing SOFI exports', () => {
  it('when an export is imported, re-imported, then changed, then exactly the real changes are published', async () => {
    const { bus, topic, events, importer } = await setUp();

    // First import: three sessions (SE_0000654323 not yet in the export).
    const first = await importer.import([Buffer.from(withoutSession(fixture, 'SE_0000654323'))]);
    const afterFirst = await events();
    // Identical re-import.
    const second = await importer.import([Buffer.from(withoutSession(fixture, 'SE_0000654323'))]);
    const afterSecond = await events();
    // Changed copy: 654323 appears, 654322 reopens (fermé → ouvert), 700001 disappears.
    const changed = withoutSession(fixture, 'SE_0000700001').replace(
      /(<session numero="SE_0000654322">[\s\S]*?<etat-recrutement>)2(<\/etat-recrutement>)/,
      '$11$2',
    );
    const third = await importer.import([Buffer.from(changed)]);
    const afterThird = await events();
    // A fresh importer (a restarted connector) rebuilds the known offer from Kafka and sees nothing new.
    const restarted = await new OfferImporter({ bus, log, topic }).import([Buffer.from(changed)]);

    expect(first).toMatchObject({ committed: true, published: 3, updated: 0, withdrawn: 0, unchanged: 0 });
    expect(afterFirst.map((event) => [shortRecord(event.record), sessionOf(event.key)]).sort()).toEqual([
      ['SessionPublished', 'SE_0000654321'],
      ['SessionPublished', 'SE_0000654322'],
      ['SessionPublished', 'SE_0000700001'],
    ]);
    expect(second).toMatchObject({ committed: true, published: 0, updated: 0, withdrawn: 0, unchanged: 3 });
    expect(afterSecond).toHaveLength(3);
    expect(third).toMatchObject({ committed: true, published: 1, updated: 1, withdrawn: 1, unchanged: 1 });
    const idOf = (event: { value: Record<string, unknown> }) => (event.value.envelope as { eventId: string }).eventId;
    const before = new Set(afterSecond.map(idOf));
    const news = afterThird.filter((event) => !before.has(idOf(event)));
    expect(news.map((event) => [shortRecord(event.record), sessionOf(event.key)]).sort()).toEqual([
      ['SessionPublished', 'SE_0000654323'],
      ['SessionUpdated', 'SE_0000654322'],
      ['SessionWithdrawn', 'SE_0000700001'],
    ]);
    const updated = news.find((event) => shortRecord(event.record) === 'SessionUpdated')?.value;
    expect(updated?.changedFields).toEqual(['session.recruitmentState']);
    expect((updated?.session as { session: { recruitmentState: string } } | undefined)?.session.recruitmentState).toBe(
      'OPEN',
    );
    const withdrawn = news.find((event) => shortRecord(event.record) === 'SessionWithdrawn')?.value;
    expect(withdrawn).toMatchObject({ reason: 'ABSENT_FROM_EXPORT' });
    expect((withdrawn?.lastKnown as { sessionKey: string } | undefined)?.sessionKey).toContain('SE_0000700001');
    expect(restarted).toMatchObject({ committed: true, published: 0, updated: 0, withdrawn: 0, unchanged: 3 });
    expect(await events()).toHaveLength(6);
  });

  it('when the real ONISEP export is imported, then its session is published with the mapped values', async () => {
    const { events, importer } = await setUp();

    const report = await importer.import([onisep]);

    const [event] = await events();
    const envelope = event?.value.envelope as { actor: { siret: string }; sourceSystem: string; occurredAt: Date };
    const session = event?.value.session as {
      formation: { title: string };
      session: { numero: string; start: string; end: string };
    };
    expect(report).toMatchObject({ committed: true, published: 1, lheoVersion: '2.2' });
    expect(shortRecord(event?.record ?? null)).toBe('SessionPublished');
    expect(session.session).toMatchObject({ numero: '9436_18706', start: '2015-09-01', end: '2017-08-31' });
    expect(envelope.sourceSystem).toBe('SOFI');
    expect(envelope.occurredAt).toBeInstanceOf(Date);
    expect(envelope.actor.siret).toMatch(/^\d{14}$/);
  });

  it('when a file is rejected, then nothing is published and the known offer is untouched', async () => {
    const { events, importer } = await setUp();
    await importer.import([Buffer.from(fixture)]);

    const truncated = await importer.import([Buffer.from(fixture.slice(0, Math.floor(fixture.length * 0.8)))]);
    const emptied = await importer.import([
      Buffer.from(fixture.replace(/<offres>[\s\S]*<\/offres>/, '<offres></offres>')),
    ]);
    const again = await importer.import([Buffer.from(fixture)]);

    expect(truncated.committed).toBe(false);
    expect(truncated.errors.length).toBeGreaterThan(0);
    expect(emptied.committed).toBe(false);
    expect(again).toMatchObject({ committed: true, published: 0, unchanged: 4 });
    expect(await events()).toHaveLength(4);
  });
});
