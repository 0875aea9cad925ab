import { localTime, PARIS } from '@passerelle/schemas/local-time';

/** Domain dates are Europe/Paris local dates and times (domain.md G21), as the OF types them in Kairos. */

export { addDays } from '@passerelle/schemas/local-time';

/** `{ date: 'YYYY-MM-DD', time: 'HH:MM' }` in Paris (or the profile's `timeZone`) at `at`. */
export function paris(at: Date, timeZone = PARIS): { date: string; time: string } {
  const { date, time } = localTime(timeZone).clock(at);
  return { date, time };
}

/** The first instant at which Paris local time reads `date time` or later (minute precision). */
export async function waitUntilParis(date: string, time: string, onWait?: (seconds: number) => void): Promise<void> {
  const target = `${date} ${time}`;
  for (;;) {
    const now = paris(new Date());
    if (`${now.date} ${now.time}` >= target) return;
    const secondsLeft = 60 - new Date().getSeconds();
    onWait?.(secondsLeft);
    await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, secondsLeft * 1000 + 50)));
  }
}
