/**
 * Local dates and times of the domain (domain.md G21): the dates and times an OF types in Kairos, a session's dates,
 * the day a deadline falls — `YYYY-MM-DD` and `HH:MM` on a time zone's wall clock, compared as strings. The
 * contracts' times are Europe/Paris ones; an overseas profile gives its own zone (`Indian/Mayotte`,
 * `America/Cayenne`, …). The only place Passerelle reads a wall clock through Intl.
 */

export const PARIS = 'Europe/Paris';

/** A wall clock reading: `date` `YYYY-MM-DD`, `time` `HH:MM`, `stamp` `YYYY-MM-DD HH:MM` (sorts as it reads). */
export interface WallClock {
  date: string;
  time: string;
  stamp: string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 3600_000;
// Every time zone's offset is a whole number of quarter hours and changes on a quarter hour of UTC: the local date
// is the same within a quarter hour, so it is formatted (slow) once per quarter hour.
const QUARTER_HOUR_MS = 15 * MINUTE_MS;
const MEMO_LIMIT = 100_000;

type Parts = { year: string; month: string; day: string; hour: string; minute: string };

/** The wall clock of one time zone. Get it with `localTime(zone)`: one per zone, its memos shared. */
export class LocalTime {
  readonly timeZone: string;
  readonly #parts: Intl.DateTimeFormat;
  readonly #longDate: Intl.DateTimeFormat;
  readonly #dates = new Map<number, string>();
  readonly #instants = new Map<string, number>();
  #lastMinute = Number.NaN;
  #lastClock: WallClock | undefined;

  constructor(timeZone: string = PARIS) {
    this.timeZone = timeZone;
    this.#parts = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    this.#longDate = new Intl.DateTimeFormat('fr-FR', { timeZone, dateStyle: 'long' });
  }

  #partsOf(instant: number): Parts {
    const parts: Record<string, string> = {};
    for (const part of this.#parts.formatToParts(new Date(instant))) parts[part.type] = part.value;
    return parts as Parts;
  }

  /** The wall clock at `at` (the last minute read is kept: deciders read it several times per act). */
  clock(at: Date | number): WallClock {
    const minute = Math.floor(Number(at) / MINUTE_MS);
    if (minute !== this.#lastMinute || this.#lastClock === undefined) {
      const { year, month, day, hour, minute: minutes } = this.#partsOf(Number(at));
      const date = `${year}-${month}-${day}`;
      const time = `${hour}:${minutes}`;
      this.#lastClock = { date, time, stamp: `${date} ${time}` };
      this.#lastMinute = minute;
    }
    return { ...this.#lastClock };
  }

  /** The local date at `at`. */
  date(at: Date | number): string {
    const instant = Number(at);
    const quarter = Math.floor(instant / QUARTER_HOUR_MS);
    let date = this.#dates.get(quarter);
    if (date === undefined) {
      const { year, month, day } = this.#partsOf(instant);
      date = `${year}-${month}-${day}`;
      if (this.#dates.size >= MEMO_LIMIT) this.#dates.clear();
      this.#dates.set(quarter, date);
    }
    return date;
  }

  /** The zone's offset from UTC at `at`, in ms (Paris: +1 h in winter, +2 h in summer). */
  offsetMs(at: Date | number): number {
    const instant = Number(at);
    const { year, month, day, hour, minute } = this.#partsOf(instant);
    const local = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute));
    return local - Math.floor(instant / MINUTE_MS) * MINUTE_MS;
  }

  /** The offset at `at` as ISO 8601 writes it: `+01:00`, `-03:00`, or `Z` where it is UTC. */
  offset(at: Date | number): string {
    const minutes = Math.round(this.offsetMs(at) / MINUTE_MS);
    if (minutes === 0) return 'Z';
    const absolute = Math.abs(minutes);
    const pad = (value: number) => String(value).padStart(2, '0');
    return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
  }

  /** The instant of a local date and `HH:MM` time (a time skipped by the spring change resolves an hour later). */
  instant(date: string, time = '00:00'): number {
    // Deadlines fall on the same few dates and times again and again, and Intl formatting is slow: memoised.
    const key = `${date} ${time}`;
    let instant = this.#instants.get(key);
    if (instant === undefined) {
      const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
      const [hour = 0, minute = 0] = time.split(':').map(Number);
      const asUtc = Date.UTC(year, month - 1, day, hour, minute);
      const guess = asUtc - this.offsetMs(asUtc);
      instant = asUtc - this.offsetMs(guess);
      if (this.#instants.size >= MEMO_LIMIT) this.#instants.clear();
      this.#instants.set(key, instant);
    }
    return instant;
  }

  /** The local date at `at` as a French letter writes it: `4 décembre 2026`. */
  frenchDate(at: Date | number): string {
    return this.#longDate.format(at);
  }
}

/**
 * The wall clock of the overseas departments and territories, by INSEE code (the first three digits of their postal
 * codes): a session held there keeps its dates and appointment times on that clock, not on Paris's.
 */
const OVERSEAS_ZONES: Readonly<Record<string, string>> = {
  '971': 'America/Guadeloupe', // Guadeloupe (and Saint-Barthélemy 97133, Saint-Martin 97150: the same clock)
  '972': 'America/Martinique',
  '973': 'America/Cayenne', // Guyane
  '974': 'Indian/Reunion',
  '975': 'America/Miquelon', // Saint-Pierre-et-Miquelon
  '976': 'Indian/Mayotte',
  '977': 'America/St_Barthelemy',
  '978': 'America/Marigot', // Saint-Martin
  '986': 'Pacific/Wallis',
  '987': 'Pacific/Tahiti', // Polynésie française
  '988': 'Pacific/Noumea', // Nouvelle-Calédonie
};

/**
 * The time zone of a place in France, from its department (`976`) or, failing that, its postal code (`97600`):
 * an overseas one where the code says so, Europe/Paris otherwise (metropolitan France, Corsica, an unknown place).
 */
export function timeZoneOfPlace(place: { department?: string | null; postalCode?: string | null }): string {
  for (const code of [place.department, place.postalCode]) {
    const zone = code ? OVERSEAS_ZONES[code.trim().slice(0, 3)] : undefined;
    if (zone) return zone;
  }
  return PARIS;
}

/** The time zone a session's event gives (null in events written before sessions carried one: Paris). */
export const zoneOrParis = (timeZone: string | null | undefined): string => timeZone ?? PARIS;

const zones = new Map<string, LocalTime>();

/** The wall clock of `timeZone` (Europe/Paris by default). */
export function localTime(timeZone: string = PARIS): LocalTime {
  let zone = zones.get(timeZone);
  if (!zone) {
    zone = new LocalTime(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}

/** The date `days` after `date` (`YYYY-MM-DD` arithmetic: no time zone involved). */
export function addDays(date: string, days: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day) + days * DAY_MS).toISOString().slice(0, 10);
}
