import { describe, expect, it } from 'vitest';
import { parseLheoDate, parseLheoTime } from './lheo-date.js';

describe('parseLheoDate', () => {
  it.each([
    ['20240902', '2024-09-02'],
    ['20240229', '2024-02-29'],
    ['20240900', '2024-09'],
    ['20240000', '2024'],
    [' 20240902 ', '2024-09-02'],
  ])('when the date is %s, then it is %s', (raw, expected) => {
    expect(parseLheoDate(raw)).toEqual({ ok: true, value: expected });
  });

  it.each(['00000000', '99999999'])('when the date is %s (unknown), then it is null', (raw) => {
    expect(parseLheoDate(raw)).toEqual({ ok: true, value: null });
  });

  it.each([
    ['20230229', 'day 29'],
    ['20241301', 'month 13'],
    ['20240015', 'month 00'],
    ['00000101', 'year 0000'],
    ['2024-09-02', 'expected AAAAMMJJ'],
    ['2024090', 'expected AAAAMMJJ'],
    ['', 'expected AAAAMMJJ'],
  ])('when the date is "%s", then it is invalid (%s)', (raw, reason) => {
    const parsed = parseLheoDate(raw);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toContain(reason);
  });
});

describe('parseLheoTime', () => {
  it.each([
    ['9h30', '09:30'],
    ['14h15', '14:15'],
    ['9h', '09:00'],
    ['14h', '14:00'],
    ['08H00', '08:00'],
  ])('when the time is %s, then it is %s', (raw, expected) => {
    expect(parseLheoTime(raw)).toEqual({ ok: true, value: expected });
  });

  it.each(['24h00', '9h60', 'midi', '930', ''])('when the time is "%s", then it is invalid', (raw) => {
    expect(parseLheoTime(raw).ok).toBe(false);
  });
});
