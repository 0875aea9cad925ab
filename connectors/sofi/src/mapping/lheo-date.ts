/** A LHEO date with the precision it was given: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`. */
export type PartialDate = string;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * LHEO dates are `AAAAMMJJ`; `AAAAMM00` means month only, `AAAA0000` year only, and `00000000` (unknown start) /
 * `99999999` (unknown end) mean no date. Anything else is invalid, including impossible days (20230230).
 */
export function parseLheoDate(raw: string): Parsed<PartialDate | null> {
  const text = raw.trim();
  if (text === '00000000' || text === '99999999') return { ok: true, value: null };
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return { ok: false, message: `invalid LHEO date "${text}" (expected AAAAMMJJ)` };
  const [, yearText, monthText, dayText] = match as unknown as [string, string, string, string];
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  if (year === 0) return { ok: false, message: `invalid LHEO date "${text}" (year 0000)` };
  if (month === 0 && day === 0) return { ok: true, value: yearText };
  if (month < 1 || month > 12) return { ok: false, message: `invalid LHEO date "${text}" (month ${monthText})` };
  if (day === 0) return { ok: true, value: `${yearText}-${monthText}` };
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return { ok: false, message: `invalid LHEO date "${text}" (day ${dayText})` };
  return { ok: true, value: `${yearText}-${monthText}-${dayText}` };
}

/** LHEO times are `HHhMM`, `Hh` or `HHh` (e.g. `9h30`, `14h`); returned as `HH:MM`. */
export function parseLheoTime(raw: string): Parsed<string> {
  const text = raw.trim();
  const match = /^(\d{1,2})\s*[hH:]\s*(\d{2})?$/.exec(text);
  const hours = match ? Number(match[1]) : Number.NaN;
  const minutes = match?.[2] === undefined ? 0 : Number(match[2]);
  if (!match || hours > 23 || minutes > 59) {
    return { ok: false, message: `invalid LHEO time "${text}" (expected e.g. 9h30, 14h)` };
  }
  return { ok: true, value: `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}` };
}
