import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RADIUS_KM,
  searchParameterError,
  searchParametersSchema,
  toListingQuery,
} from './search-parameters.js';

const matches = (name: 'funder' | 'department' | 'formacode', value: string) =>
  new RegExp(searchParametersSchema.properties[name].pattern).test(value);

describe('the search contract shared by the catalogue and Ouiform', () => {
  it('when funders are given, then they are dict-financeurs codes: one or two digits, a comma list', () => {
    for (const accepted of ['0', '4', '16', '20', '2,4,16']) expect(matches('funder', accepted), accepted).toBe(true);
    for (const refused of ['100', '004', '4,', 'FT', '4;7']) expect(matches('funder', refused), refused).toBe(false);
  });

  it('when a list has more than 50 items, then it is refused', () => {
    const departments = (count: number) => Array.from({ length: count }, () => '44').join(',');
    expect(matches('department', departments(50))).toBe(true);
    expect(matches('department', departments(51))).toBe(false);
    expect(matches('department', '2A,2B,974')).toBe(true);
  });

  it('when a point is given, then lat and lon go together and the radius defaults to 30 km', () => {
    expect(searchParameterError({ lat: 47.2 })).toEqual({
      field: 'querystring.lon',
      message: 'lat and lon go together',
    });
    expect(searchParameterError({ lon: -1.6 })?.field).toBe('querystring.lat');
    expect(searchParameterError({ radiusKm: 10 })?.field).toBe('querystring.radiusKm');
    expect(searchParameterError({ lat: 47.2, lon: -1.6 })).toBeUndefined();
    expect(toListingQuery({ lat: 47.2, lon: -1.6 }, '2026-12-04').near).toEqual({
      latitude: 47.2,
      longitude: -1.6,
      radiusKm: DEFAULT_RADIUS_KM,
    });
    expect(toListingQuery({ lat: 47.2, lon: -1.6, radiusKm: 10 }, '2026-12-04').near?.radiusKm).toBe(10);
  });

  it('when a sort or a period cannot be honoured, then the parameter at fault is named', () => {
    expect(searchParameterError({ sort: 'distance' })?.field).toBe('querystring.sort');
    expect(searchParameterError({ sort: 'relevance' })?.field).toBe('querystring.sort');
    expect(searchParameterError({ sort: 'relevance', q: 'soudeur' })).toBeUndefined();
    expect(searchParameterError({ startFrom: '2027-02-01', startTo: '2027-01-01' })?.field).toBe('querystring.startTo');
  });

  it('when parameters are valid, then the comma lists become the index query', () => {
    expect(
      toListingQuery(
        { q: 'soudeur', department: '44,85', funder: '2,16', formacode: '31815', rome: 'H2913' },
        '2026-12-04',
      ),
    ).toMatchObject({
      today: '2026-12-04',
      text: 'soudeur',
      departments: ['44', '85'],
      funders: [2, 16],
      formacodes: ['31815'],
      romeCodes: ['H2913'],
      near: undefined,
    });
  });

  it('when a region is given, then the search covers its departments (the zone table); a department narrows it', () => {
    expect(toListingQuery({ region: '52' }, '2026-12-08').departments).toEqual(['44', '49', '53', '72', '85']);
    expect(toListingQuery({ region: '94,06' }, '2026-12-08').departments).toEqual(['2A', '2B', '976']);
    expect(toListingQuery({ region: '52', department: '44' }, '2026-12-08').departments).toEqual(['44']);
    expect(searchParameterError({ region: '52', department: '44,85' })).toBeUndefined();
  });

  it('when a region is unknown or a department is outside it, then the parameter at fault is named', () => {
    expect(searchParameterError({ region: '99' })).toEqual({
      field: 'querystring.region',
      message: '99 is not a region of the zone table',
    });
    expect(searchParameterError({ region: '52', department: '44,35' })).toEqual({
      field: 'querystring.department',
      message: 'department 35 is not in region 52',
    });
    expect(new RegExp(searchParametersSchema.properties.region.pattern).test('52,53')).toBe(true);
    expect(new RegExp(searchParametersSchema.properties.region.pattern).test('Bretagne')).toBe(false);
  });
});
