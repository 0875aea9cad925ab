import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Bus } from '@passerelle/bus';
import type { OfferSession as OfferSessionRecord } from '@passerelle/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import type { OfferSession } from '../src/mapping/offer-session.js';
import { bytes, readAll } from './helpers.js';
import { offerTopic, shortRecord } from './inbound-helpers.js';

// The importer skips formations whose text is the one its known offer (rebuilt from Kafka) was made from, and maps
// and diffs every other formation as before: these tests pin that skipping never hides a change, on the real broker.

const fixture = readFileSync(fileURLToPath(new URL('./fixtures/lheo-2.3-recrutement.xml', import.meta.url)), 'utf8');
const buses: Bus[] = [];
afterAll(async () => {
  await Promise.all(buses.map((bus) => bus.stop()));
});

const FORMATION_1 = '76_AF_0000012345|76_SE_0000654321|';

/** The fixture with session 654322 reopened (fermé → ouvert): one changed session in formation 1. */
const reopened = (xml: string) =>
  xml.replace(/(<session numero="SE_0000654322">[\s\S]*?<etat-recrutement>)2(<\/etat-recrutement>)/, '$11$2');
const withoutSession = (xml: string, numero: string) =>
  xml.replace(new RegExp(`<session numero="${numero}">[\\s\\S]*?</session>\\n?`), '');
const withoutFormation = (xml: string, numero: string) =>
  xml.replace(new RegExp(`<formation numero="${numero}">[\\s\\S]*?</formation>\\n?`), '');
/** Intercarif's session-perimee flag on one session. */
const expired = (xml: string, numero: string) =>
  xml.replace(
    `<session numero="${numero}">`,
    `<session numero="${numero}">\n<extras info="session-perimee"><extra info="session-perimee">1</extra></extras>`,
  );

const file = (xml: string) => [Buffer.from(xml)];
const sessionOf = (key: string) => key.slice(key.lastIndexOf('|') + 1);

async function setUp() {
  const { bus, topic, events, importer } = await offerTopic(buses);
  /**
   * Events published since the last call: per key, those after the ones already seen (a key's events keep their
   * order in its partition; event ids cannot tell, since republishing the same content reuses its id).
   */
  let seenPerKey = new Map<string, number>();
  const newEvents = async () => {
    const positions = new Map<string, number>();
    const fresh = (await events()).filter((event) => {
      const position = positions.get(event.key) ?? 0;
      positions.set(event.key, position + 1);
      return position >= (seenPerKey.get(event.key) ?? 0);
    });
    seenPerKey = positions;
    return fresh;
  };
  /** Events as [record, session numero], sorted. */
  const summary = (list: Awaited<ReturnType<typeof events>>) =>
    list.map((event) => [shortRecord(event.record), sessionOf(event.key)]).sort();
  return { bus, topic, events, newEvents, summary, importer };
}

describe('skipping unchanged formations on import', () => {
  it('when a restarted connector re-imports the same export, then every formation is skipped and nothing is published', async () => {
    const { newEvents, importer } = await setUp();
    await importer().import(file(fixture));
    await newEvents();

    const again = await importer().import(file(fixture));

    expect(again).toMatchObject({
      committed: true,
      sessions: 4,
      mappedSessions: 0,
      skippedSessions: 4,
      published: 0,
      updated: 0,
      withdrawn: 0,
      unchanged: 4,
    });
    expect(await newEvents()).toEqual([]);
  });

  it('when one session of a formation changes, then that formation is mapped and only that session is updated', async () => {
    const { newEvents, summary, importer } = await setUp();
    await importer().import(file(fixture));
    await newEvents();
    const restarted = importer();

    const changed = await restarted.import(file(reopened(fixture)));
    const events = await newEvents();
    const again = await restarted.import(file(reopened(fixture)));

    expect(changed).toMatchObject({ mappedSessions: 3, skippedSessions: 1, updated: 1, unchanged: 3, published: 0 });
    expect(summary(events)).toEqual([['SessionUpdated', 'SE_0000654322']]);
    expect(events[0]?.value.changedFields).toEqual(['session.recruitmentState']);
    // The update carries the new text's fingerprint: the next identical export skips the formation.
    expect(again).toMatchObject({ skippedSessions: 4, unchanged: 4, updated: 0 });
    expect(await newEvents()).toEqual([]);
  });

  it('when a session leaves its formation, or a whole formation leaves and comes back, then they are withdrawn and published again', async () => {
    const { newEvents, summary, importer } = await setUp();
    const connector = importer();
    await connector.import(file(fixture));
    await newEvents();

    const lessOneSession = await connector.import(file(withoutSession(fixture, 'SE_0000654323')));
    const sessionLeft = await newEvents();
    const lessOneFormation = await connector.import(file(withoutFormation(fixture, '76_AF_0000012346')));
    const formationLeft = await newEvents();
    // A restarted connector: formation 2's text is exactly what its withdrawn session's last snapshot was made from,
    // yet it is not skipped; formation 1's sessions were all last published from this very text, so it is.
    const back = await importer().import(file(fixture));
    const cameBack = await newEvents();

    expect(lessOneSession).toMatchObject({ skippedSessions: 1, withdrawn: 1, unchanged: 3 });
    expect(summary(sessionLeft)).toEqual([['SessionWithdrawn', 'SE_0000654323']]);
    expect(sessionLeft[0]?.value.reason).toBe('ABSENT_FROM_EXPORT');
    // Formation 1 is again the text its sessions came from, but 654323 is now withdrawn: it is mapped.
    expect(lessOneFormation).toMatchObject({ skippedSessions: 0, published: 1, withdrawn: 1, unchanged: 2 });
    expect(summary(formationLeft)).toEqual([
      ['SessionPublished', 'SE_0000654323'],
      ['SessionWithdrawn', 'SE_0000700001'],
    ]);
    expect(back).toMatchObject({ skippedSessions: 3, mappedSessions: 1, published: 1, withdrawn: 0, unchanged: 3 });
    expect(summary(cameBack)).toEqual([['SessionPublished', 'SE_0000700001']]);
  });

  it('when a session is flagged session-perimee, then it is withdrawn once and its formation is skipped afterwards', async () => {
    const { newEvents, summary, importer } = await setUp();
    await importer().import(file(fixture));
    await newEvents();

    const connector = importer();

    const flagged = await connector.import(file(expired(fixture, 'SE_0000654322')));
    const events = await newEvents();
    const again = await connector.import(file(expired(fixture, 'SE_0000654322')));
    // Restarted: 654321 and 654323 were last published from the text before the flag (their confirmation by the
    // flagged text lives in memory only), so formation 1 is mapped, and found unchanged.
    const restarted = await importer().import(file(expired(fixture, 'SE_0000654322')));

    expect(flagged).toMatchObject({ withdrawn: 1, unchanged: 3, skippedSessions: 1 });
    expect(summary(events)).toEqual([['SessionWithdrawn', 'SE_0000654322']]);
    expect(events[0]?.value.reason).toBe('SESSION_PERIMEE');
    expect(again).toMatchObject({ skippedSessions: 4, withdrawn: 0, unchanged: 4 });
    expect(restarted).toMatchObject({ skippedSessions: 1, mappedSessions: 3, withdrawn: 0, unchanged: 4 });
    expect(await newEvents()).toEqual([]);
  });

  it('when the known offer mixes snapshots without fingerprint (older connector) and with, then it diffs exactly as before', async () => {
    const { bus, topic, newEvents, summary, importer } = await setUp();
    // What an older connector published for formation 1 (no sourceHash), and this one for formation 2.
    const { sessions } = await readAll(bytes(fixture));
    const old = (snapshot: OfferSession): OfferSession =>
      snapshot.sessionKey.startsWith(FORMATION_1) ? { ...snapshot, sourceHash: null } : snapshot;
    await bus.publish(
      sessions.map((snapshot) => ({
        topic,
        key: snapshot.sessionKey,
        record: 'fr.passerelle.offer.SessionPublished',
        value: {
          envelope: {
            eventId: `older-${snapshot.sessionKey}`,
            occurredAt: new Date(),
            recordedAt: new Date(),
            actor: { kind: 'SYSTEM', siret: null, organisationName: null, prescriberNetwork: null, channel: null },
            sourceSystem: 'SOFI',
            correlationId: snapshot.sessionKey,
            causationId: null,
          },
          sessionKey: snapshot.sessionKey,
          session: old(snapshot) as unknown as OfferSessionRecord,
        },
      })),
    );
    await newEvents();
    const connector = importer();

    const same = await connector.import(file(fixture));
    const afterSame = await newEvents();
    const changed = await connector.import(file(reopened(fixture)));
    const afterChanged = await newEvents();
    const restarted = await importer().import(file(reopened(fixture)));

    // Formation 1 is mapped (no fingerprint known) and found unchanged; formation 2 is skipped.
    expect(same).toMatchObject({ mappedSessions: 3, skippedSessions: 1, published: 0, updated: 0, unchanged: 4 });
    expect(afterSame).toEqual([]);
    expect(changed).toMatchObject({ updated: 1, unchanged: 3, skippedSessions: 1 });
    expect(summary(afterChanged)).toEqual([['SessionUpdated', 'SE_0000654322']]);
    expect(afterChanged[0]?.value.changedFields).toEqual(['session.recruitmentState']);
    // From Kafka: 654322 now has a fingerprint, 654321 and 654323 still not, so formation 1 is mapped again.
    expect(restarted).toMatchObject({ mappedSessions: 3, skippedSessions: 1, updated: 0, unchanged: 4 });
    expect(await newEvents()).toEqual([]);
  });
});
