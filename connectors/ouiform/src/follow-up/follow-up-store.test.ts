import type { ConsumedEvent } from '@passerelle/bus';
import type { EventRecordName, PositioningRequested } from '@passerelle/schemas';
import { fixtures } from '@passerelle/schemas/fixtures';
import { describe, expect, it } from 'vitest';
import { FollowUpStore } from './follow-up-store.js';

const PREFIX = 'ouiform-';
const ML = 'MISSION_LOCALE:Mission Locale Nantes Métropole';

let clock = Date.parse('2026-04-10T08:00:00Z');

function prescription(requestId: string, journeyId: string, prescriptionId = `P-${requestId}`): ConsumedEvent {
  const base = fixtures['fr.passerelle.positioning.PositioningRequested'];
  const value: PositioningRequested = {
    ...base,
    requestId,
    journeyId,
    prescription: { ...(base.prescription as NonNullable<PositioningRequested['prescription']>), prescriptionId },
  };
  return consumed('positioning', 0, 0, 'fr.passerelle.positioning.PositioningRequested', value);
}

function kairos(
  name: string,
  partition: number,
  offset: number,
  overrides: { journeyId: string; requestId?: string },
): ConsumedEvent {
  const record = `fr.passerelle.kairos.${name}` as EventRecordName;
  const base = fixtures[record] as { envelope: object };
  clock += 60_000;
  const value = {
    ...base,
    ...overrides,
    envelope: {
      ...base.envelope,
      eventId: `kairos:${name}:${partition}:${offset}`,
      occurredAt: new Date(clock),
      recordedAt: new Date(clock),
    },
  };
  return consumed('kairos', partition, offset, record, value);
}

function consumed(topic: string, partition: number, offset: number, record: string, value: unknown): ConsumedEvent {
  return { topic, partition, offset: String(offset), key: 'k', record, value, headers: {}, timestamp: '0' };
}

describe('FollowUpStore', () => {
  it('when a prescribed DE moves on, then its prescription and its owner’s feed show each step in order', () => {
    const store = new FollowUpStore({ requestPrefix: PREFIX });
    store.applyPositioning(prescription('ouiform-1', 'J1'));
    store.applyKairos(kairos('RegistrationRecorded', 0, 0, { journeyId: 'J1', requestId: 'ouiform-1' }));
    store.applyKairos(kairos('PresenceRecorded', 0, 1, { journeyId: 'J1' }));
    store.applyKairos(kairos('RecruitmentResultRecorded', 0, 2, { journeyId: 'J1' }));

    const view = store.prescription('P-ouiform-1');
    expect(view?.decision?.status).toBe('INSCRIT');
    expect(view?.decision?.stage).toBe('POSITIONING');
    expect(view?.status).toBe('RETENU_EN_ATTENTE');
    expect(view?.label).toBe('Retenu mis en attente');
    expect(store.feed(ML, new Map(), 10).items.map((item) => item.status)).toEqual([
      'INSCRIT',
      'PRESENT',
      'RETENU_EN_ATTENTE',
    ]);
    expect(store.feed('FRANCE_TRAVAIL:Agence Nantes Est', new Map(), 10).items).toEqual([]);
  });

  it('when Kairos’s answer is read before the prescription, then it waits for it and nothing passes it meanwhile', async () => {
    const store = new FollowUpStore({ requestPrefix: PREFIX });
    store.applyKairos(kairos('RegistrationRecorded', 0, 5, { journeyId: 'J2', requestId: 'ouiform-2' }));
    store.applyKairos(kairos('RegistrationRecorded', 0, 6, { journeyId: 'J-other', requestId: 'tmf-9' }));
    store.applyKairos(kairos('PresenceRecorded', 0, 7, { journeyId: 'J2' }));
    expect(store.settledThrough(0)).toBe(4n);
    expect(store.feed(ML, new Map(), 10).items).toEqual([]);
    const waiting = store.settledItems(0, 7n, 5_000);

    store.applyPositioning(prescription('ouiform-2', 'J2'));

    expect(store.settledThrough(0)).toBe(7n);
    expect((await waiting)?.map((stored) => stored.item.status)).toEqual(['PRESENT']);
    expect(store.feed(ML, new Map(), 10).items.map((item) => item.status)).toEqual(['INSCRIT', 'PRESENT']);
    expect(await store.settledItems(0, 6n, 10)).toEqual([]);
  });

  it('when the feed is read page by page across partitions, then every item comes once, oldest first', () => {
    const store = new FollowUpStore({ requestPrefix: PREFIX });
    store.applyPositioning(prescription('ouiform-a', 'JA'));
    store.applyPositioning(prescription('ouiform-b', 'JB'));
    store.applyKairos(kairos('RegistrationRecorded', 0, 10, { journeyId: 'JA', requestId: 'ouiform-a' }));
    store.applyKairos(kairos('RegistrationRecorded', 1, 3, { journeyId: 'JB', requestId: 'ouiform-b' }));
    store.applyKairos(kairos('PresenceRecorded', 0, 11, { journeyId: 'JA' }));
    store.applyKairos(kairos('PresenceRecorded', 1, 4, { journeyId: 'JB' }));

    const seen: string[] = [];
    let cursor: ReadonlyMap<number, bigint> = new Map();
    for (let page = 0; page < 10; page += 1) {
      const next = store.feed(ML, cursor, 1);
      if (next.items.length === 0) break;
      seen.push(...next.items.map((item) => item.eventId));
      cursor = next.cursor;
    }
    expect(seen).toEqual([
      'kairos:RegistrationRecorded:0:10',
      'kairos:RegistrationRecorded:1:3',
      'kairos:PresenceRecorded:0:11',
      'kairos:PresenceRecorded:1:4',
    ]);
    store.applyKairos(kairos('RecruitmentResultRecorded', 1, 9, { journeyId: 'JB' }));
    expect(store.feed(ML, cursor, 10).items.map((item) => item.eventId)).toEqual([
      'kairos:RecruitmentResultRecorded:1:9',
    ]);
  });

  it('when a positioning is refused and the DE is prescribed again, then later steps go to the new prescription', () => {
    const store = new FollowUpStore({ requestPrefix: PREFIX });
    store.applyPositioning(prescription('ouiform-r1', 'J3'));
    store.applyKairos(kairos('RegistrationRefused', 0, 0, { journeyId: 'J3', requestId: 'ouiform-r1' }));
    store.applyPositioning(prescription('ouiform-r2', 'J3'));
    store.applyKairos(kairos('RegistrationRecorded', 0, 1, { journeyId: 'J3', requestId: 'ouiform-r2' }));
    store.applyKairos(kairos('PresenceRecorded', 0, 2, { journeyId: 'J3' }));

    expect(store.prescription('P-ouiform-r1')?.status).toBe('REFUSE');
    expect(store.prescription('P-ouiform-r1')?.steps).toHaveLength(1);
    expect(store.prescription('P-ouiform-r2')?.steps.map((step) => step.status)).toEqual(['INSCRIT', 'PRESENT']);
  });

  it('when another organisation prescribes a DE already registered, then it gets none of his steps', async () => {
    const store = new FollowUpStore({ requestPrefix: PREFIX });
    store.applyPositioning(prescription('ouiform-first', 'J6'));
    store.applyKairos(kairos('RegistrationRecorded', 0, 0, { journeyId: 'J6', requestId: 'ouiform-first' }));
    const other = prescription('ouiform-other', 'J6', 'P-other');
    const value = other.value as PositioningRequested;
    other.value = {
      ...value,
      prescription: { ...value.prescription, network: 'FRANCE_TRAVAIL', organisation: 'Agence Nantes Est' },
    };
    store.applyPositioning(other);
    store.applyKairos(kairos('PresenceRecorded', 0, 1, { journeyId: 'J6' }));
    store.applyKairos(kairos('RegistrationRefused', 0, 2, { journeyId: 'J6', requestId: 'ouiform-other' }));

    expect(store.prescription('P-other')?.steps.map((step) => step.status)).toEqual(['REFUSE']);
    expect(store.prescription('P-ouiform-first')?.steps.map((step) => step.status)).toEqual(['INSCRIT', 'PRESENT']);
    expect(store.feed('FRANCE_TRAVAIL:Agence Nantes Est', new Map(), 10).items.map((item) => item.status)).toEqual([
      'REFUSE',
    ]);
  });

  it('when a request is not a prescription of this connector, then it is not kept', () => {
    const store = new FollowUpStore({ requestPrefix: PREFIX });
    store.applyPositioning(prescription('catalogue-1', 'J4'));
    store.applyKairos(kairos('RegistrationRecorded', 0, 0, { journeyId: 'J4', requestId: 'catalogue-1' }));
    expect(store.prescription('P-catalogue-1')).toBeUndefined();
    expect(store.settledThrough(0)).toBe(0n);
  });

  it('when a prescription is withdrawn, then it says so and Kairos’s cancellation follows in its steps', () => {
    const store = new FollowUpStore({ requestPrefix: PREFIX });
    store.applyPositioning(prescription('ouiform-w', 'J5'));
    store.applyKairos(kairos('RegistrationRecorded', 0, 0, { journeyId: 'J5', requestId: 'ouiform-w' }));
    const withdrawal = { ...fixtures['fr.passerelle.positioning.PositioningWithdrawn'], requestId: 'ouiform-w' };
    store.applyPositioning(consumed('positioning', 0, 1, 'fr.passerelle.positioning.PositioningWithdrawn', withdrawal));
    store.applyKairos(kairos('RegistrationCancelled', 0, 1, { journeyId: 'J5' }));
    expect(store.prescription('P-ouiform-w')?.withdrawn).toBe(true);
    expect(store.prescription('P-ouiform-w')?.status).toBe('RDV_ANNULE');
  });
});
