import type { ListingPublished } from '@passerelle/schemas';
import { fixtures } from '@passerelle/schemas/fixtures';
import { describe, expect, it } from 'vitest';
import { type IndexableListing, ListingIndex, type ListingQuery } from './index.js';
import { tokenize } from './text.js';

const today = '2026-04-01';

function listing(sessionKey: string, overrides: Partial<IndexableListing> = {}): IndexableListing {
  return {
    sessionKey,
    title: 'Formation',
    content: null,
    department: '44',
    latitude: 47.2184,
    longitude: -1.5536,
    start: '2026-06-01',
    end: '2026-12-31',
    formacodes: ['31815'],
    romeCodes: ['N1103'],
    funders: [2],
    modalities: [],
    ...overrides,
  };
}

const keysOf = (index: ListingIndex, query: Omit<ListingQuery, 'today'>) =>
  index.search({ today, ...query }).hits.map((hit) => hit.key);

describe('tokenize', () => {
  it('when French text has accents, case, stop words and plurals, then tokens are plain and singular', () => {
    expect(tokenize("Préparateur de COMMANDES et cariste — l'œuvre")).toEqual([
      'preparateur',
      'commande',
      'cariste',
      'oeuvre',
    ]);
  });
});

describe('ListingIndex', () => {
  it('when a decoded ListingPublished is upserted, then it is indexed as it is', () => {
    const index = new ListingIndex<ListingPublished>();
    const published = fixtures['fr.passerelle.catalogue.ListingPublished'];
    index.upsert(`TMF|${published.sessionKey}`, published);
    const page = index.search({ today: '2026-01-01', text: published.title.split(' ')[0] });
    expect(page.hits[0]?.listing.sessionKey).toBe(published.sessionKey);
  });

  it('when searching text, then accents and case do not matter, every word must match and the last is a prefix', () => {
    const index = new ListingIndex();
    index.upsert('a', listing('a', { title: 'Préparateur de commandes', content: 'Logistique, cariste' }));
    index.upsert('b', listing('b', { title: 'Cariste', content: 'Conduite de chariots élévateurs' }));
    index.upsert('c', listing('c', { title: 'Aide-soignant', content: 'Soins, hygiène' }));

    expect(keysOf(index, { text: 'PREPARATEUR' })).toEqual(['a']);
    expect(keysOf(index, { text: 'élévateur' })).toEqual(['b']);
    expect(keysOf(index, { text: 'cariste' }).sort()).toEqual(['a', 'b']);
    expect(keysOf(index, { text: 'cariste chariot' })).toEqual(['b']);
    expect(keysOf(index, { text: 'hygi' })).toEqual(['c']);
    expect(keysOf(index, { text: 'boulanger' })).toEqual([]);
  });

  it('when sorting by relevance, then a title match ranks above a content match', () => {
    const index = new ListingIndex();
    index.upsert('content', listing('content', { title: 'Logistique', content: 'devenir cariste' }));
    index.upsert('title', listing('title', { title: 'Cariste', content: 'logistique' }));
    const page = index.search({ today, text: 'cariste' });
    expect(page.hits.map((hit) => hit.key)).toEqual(['title', 'content']);
    expect(page.hits[0]?.score).toBeGreaterThan(page.hits[1]?.score ?? 0);
  });

  it('when filtering by department, codes and funders, then any of the given values matches', () => {
    const index = new ListingIndex();
    index.upsert('nantes', listing('nantes', { department: '44', formacodes: ['31815'], funders: [2, 4] }));
    index.upsert('angers', listing('angers', { department: '49', romeCodes: ['J1501'], funders: [4] }));
    index.upsert('laval', listing('laval', { department: '53', formacodes: ['43448'], funders: [16] }));

    expect(keysOf(index, { departments: ['44', '49'] }).sort()).toEqual(['angers', 'nantes']);
    expect(keysOf(index, { formacodes: ['43448'] })).toEqual(['laval']);
    expect(keysOf(index, { romeCodes: ['J1501'] })).toEqual(['angers']);
    expect(keysOf(index, { funders: [4] }).sort()).toEqual(['angers', 'nantes']);
    expect(keysOf(index, { funders: [4], departments: ['44'] })).toEqual(['nantes']);
  });

  it('when searching near a point, then only listings within the radius come, nearest first, with their distance', () => {
    const index = new ListingIndex();
    index.upsert('nantes', listing('nantes', { latitude: 47.2184, longitude: -1.5536 }));
    index.upsert('saint-nazaire', listing('saint-nazaire', { latitude: 47.2735, longitude: -2.2138 }));
    index.upsert('angers', listing('angers', { latitude: 47.4784, longitude: -0.5632 }));
    index.upsert('nowhere', listing('nowhere', { latitude: null, longitude: null }));

    const page = index.search({ today, near: { latitude: 47.2184, longitude: -1.5536, radiusKm: 60 } });
    expect(page.hits.map((hit) => hit.key)).toEqual(['nantes', 'saint-nazaire']);
    expect(page.hits[1]?.distanceKm).toBeGreaterThan(45);
    expect(page.hits[1]?.distanceKm).toBeLessThan(55);
    expect(keysOf(index, { near: { latitude: 47.2184, longitude: -1.5536, radiusKm: 100 } })).toHaveLength(3);
  });

  it('when filtering by start dates, then partial LHEO dates compare at their precision and unknown starts are left out', () => {
    const index = new ListingIndex();
    index.upsert('june', listing('june', { start: '2026-06-15' }));
    index.upsert('july-month', listing('july-month', { start: '2026-07' }));
    index.upsert('unknown', listing('unknown', { start: null }));
    expect(keysOf(index, { startFrom: '2026-07-10', startTo: '2026-08-01' })).toEqual(['july-month']);
    expect(keysOf(index, { startFrom: '2026-06-01', startTo: '2026-06-30' })).toEqual(['june']);
  });

  it('when a session ended before today, then it is not found', () => {
    const index = new ListingIndex();
    index.upsert('past', listing('past', { end: '2026-03-31' }));
    index.upsert('month', listing('month', { end: '2026-04' }));
    expect(keysOf(index, {})).toEqual(['month']);
  });

  it('when filtering by modality and places, then only modalities open today count', () => {
    const index = new ListingIndex();
    const ico = (date: string, placesLeft: number) => ({
      kind: 'ICO',
      date,
      placesLeft,
      receptionStart: null,
      receptionEnd: null,
    });
    const window = (receptionEnd: string, placesLeft: number) => ({
      kind: 'CANDIDATURE_WINDOW',
      date: null,
      placesLeft,
      receptionStart: '2026-03-01',
      receptionEnd,
    });
    index.upsert('ico-open', listing('ico-open', { modalities: [ico('2026-04-10', 3)] }));
    index.upsert('ico-full', listing('ico-full', { modalities: [ico('2026-04-10', 0)] }));
    index.upsert('ico-past', listing('ico-past', { modalities: [ico('2026-03-10', 5)] }));
    index.upsert('window-open', listing('window-open', { modalities: [window('2026-04-30', 1)] }));
    index.upsert('window-closed', listing('window-closed', { modalities: [window('2026-03-31', 9)] }));

    expect(keysOf(index, { modality: 'ICO' }).sort()).toEqual(['ico-full', 'ico-open']);
    expect(keysOf(index, { modality: 'ICO', placesAvailable: true })).toEqual(['ico-open']);
    expect(keysOf(index, { placesAvailable: true }).sort()).toEqual(['ico-open', 'window-open']);
    expect(keysOf(index, { modality: 'CANDIDATURE_WINDOW' })).toEqual(['window-open']);
  });

  it('when sorting by date and paging, then pages are stable slices with unknown starts last and the total counts all', () => {
    const index = new ListingIndex();
    const starts = ['2026-09-01', null, '2026-05-01', '2026-07-01', '2026-06-01'];
    starts.forEach((start, n) => {
      index.upsert(`k${n}`, listing(`k${n}`, { start }));
    });
    const first = index.search({ today, sort: 'date', pageSize: 2, page: 1 });
    const second = index.search({ today, sort: 'date', pageSize: 2, page: 2 });
    const third = index.search({ today, sort: 'date', pageSize: 2, page: 3 });
    expect(first.total).toBe(5);
    expect([...first.hits, ...second.hits, ...third.hits].map((hit) => hit.listing.start)).toEqual([
      '2026-05-01',
      '2026-06-01',
      '2026-07-01',
      '2026-09-01',
      null,
    ]);
    expect(index.search({ today, pageSize: 2, page: 4 }).hits).toEqual([]);
  });

  it('when a listing is replaced or removed, then searches see only its latest version', () => {
    const index = new ListingIndex();
    index.upsert('k', listing('k', { title: 'Boulanger', department: '44', formacodes: ['1'] }));
    index.upsert('k', listing('k', { title: 'Pâtissier', department: '85', formacodes: ['2'] }));
    expect(index.size).toBe(1);
    expect(keysOf(index, { text: 'boulanger' })).toEqual([]);
    expect(keysOf(index, { departments: ['44'] })).toEqual([]);
    expect(keysOf(index, { formacodes: ['1'] })).toEqual([]);
    expect(keysOf(index, { text: 'patissier', departments: ['85'], formacodes: ['2'] })).toEqual(['k']);
    expect(index.remove('k')).toBe(true);
    expect(index.remove('k')).toBe(false);
    expect(keysOf(index, { text: 'patissier' })).toEqual([]);
    expect(index.size).toBe(0);
  });
});
