import { LIFECYCLE, transitionsOf } from '@passerelle/schemas';
import { describe, expect, it } from 'vitest';
import { fullRecordName, JOURNEY_RECORDS } from '../facts.js';
import { handledRecords } from './index.js';

describe('journey — subject handlers and the lifecycle table', () => {
  it('when a journey record is folded, then it has a subject handler or a row of the table (nothing is dropped)', () => {
    const missing = JOURNEY_RECORDS.filter(
      (record) => !handledRecords.has(record) && transitionsOf(LIFECYCLE, fullRecordName(record)).length === 0,
    );
    expect(missing).toEqual([]);
  });

  it('when the table has a row for a record, then the journey folds it (no act of the lifecycle is ignored)', () => {
    const folded = new Set(JOURNEY_RECORDS.map(fullRecordName));
    expect(LIFECYCLE.transitions.map((row) => row.record).filter((record) => !folded.has(record))).toEqual([]);
  });
});
