import { describe, expect, it } from 'vitest';
import { REGIONS, regionOf, regionOfDepartment } from './zones.js';

describe('the geographic zone table (annex 7.3)', () => {
  it('when every region is listed, then the 101 departments each belong to exactly one', () => {
    const departments = REGIONS.flatMap((region) => region.departments);
    expect(REGIONS).toHaveLength(18);
    expect(departments).toHaveLength(101);
    expect(new Set(departments).size).toBe(101);
  });

  it('when a department or a region code is looked up, then its region answers', () => {
    expect(regionOfDepartment('44')?.name).toBe('Pays de la Loire');
    expect(regionOfDepartment('2A')?.code).toBe('94');
    expect(regionOfDepartment('976')?.name).toBe('Mayotte');
    expect(regionOf('53')?.departments).toEqual(['22', '29', '35', '56']);
    expect(regionOf('99')).toBeUndefined();
  });
});
