/** Domain dates are Europe/Paris local dates and times (domain.md G21), as the OF types them in Kairos. */

const parisFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** `{ date: 'YYYY-MM-DD', time: 'HH:MM' }` in Paris at `at`. */
export function paris(at: Date): { date: string; time: string } {
  const [date = '', time = ''] = parisFormat.format(at).split(' ');
  return { date, time };
}

/** The Paris date `days` after `date` (YYYY-MM-DD arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const day = new Date(`${date}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
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
