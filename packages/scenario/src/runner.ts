import { randomBytes } from 'node:crypto';
import { type Api, ApiError, seg } from './api.js';
import { addDays, paris, waitUntilParis } from './clock.js';
import { lheoExport, type ScenarioOrganisation, type ScenarioSession, scenarioSessions } from './lheo.js';
import { type PlannedTrainee, planTrainees, type Step, sessionsFor, type Target } from './plan.js';
import type { Positioning } from './positioning.js';

/** Where each API answers and with which token the scenario acts there. */
export interface ScenarioEnvironment {
  sofi: Api;
  /** The OF's Kairos API; its SIRETs own the scenario's sessions. */
  kairos: Api;
  /** Kairos with a France Travail adviser's token: the AIF quote decision. */
  kairosAdviser: Api;
  ofSirets: readonly string[];
  /** Positioning by prescribers (Ouiform) and by DEs themselves (catalogue channels). */
  positioning: Positioning;
  journey: Api;
  /** The catalogue's search, to see the sessions reach the four channels with their modalities. */
  catalogue?: Api;
}

export interface ScenarioOptions {
  trainees: number;
  runId?: string;
  /** How far ahead the ICO / RDVI / interviews are scheduled; presence is recorded once that time is past. */
  appointmentLeadMinutes?: number;
  /** Sessions worked on at once. */
  concurrency?: number;
  progress?: (line: string) => void;
}

/** What happened to one trainee, for the summary and `--trainee`. */
export interface TraineeRun {
  trainee: PlannedTrainee;
  sessionKey: string;
  requestId?: string;
  journeyId?: string;
  decision?: 'ACCEPTED' | 'REFUSED';
  refusal?: string;
  registrationId?: string;
  candidatureId?: string;
  enrolmentId?: string;
  finalStatus?: string;
  /** Acts that failed (a refused OF act, an unexpected decision), with the reason. */
  failures: string[];
  /** Milliseconds from the positioning request to the decision seen by the requester. */
  decisionMs?: number;
  /** Size of the confirmation letter (PDF) a self-registered candidate downloaded. */
  letterBytes?: number;
}

export interface ScenarioRun {
  runId: string;
  sessions: ScenarioSession[];
  trainees: TraineeRun[];
  appointment: { date: string; time: string };
  startedAt: Date;
  finishedAt: Date;
  /** Time spent acting, without the wait for the appointments to take place. */
  activeMs: number;
  /** Sessions seen on every catalogue channel with all their modalities, and how long that took. */
  listings?: { channels: readonly string[]; listed: number; sessions: number; ms: number };
}

const PLACE = 'Centre de formation, 12 rue de la République, Rouen';

/**
 * Plays the scenario against a running Passerelle through its HTTP APIs only: the SOFI import, the OF's acts in
 * Kairos, prescriptions and self-registrations, then the OF's follow-up to the end of training. Kafka is only
 * read by the checks, never written.
 */
export async function playScenario(env: ScenarioEnvironment, options: ScenarioOptions): Promise<ScenarioRun> {
  const startedAt = new Date();
  const progress = options.progress ?? (() => {});
  const runId = options.runId ?? `${Date.now().toString(36).slice(-5)}${randomBytes(1).toString('hex')}`.toUpperCase();
  const today = paris(startedAt).date;
  const organisations: ScenarioOrganisation[] = env.ofSirets.map((siret, index) => ({
    siret,
    name: `Organisme de formation ${index + 1}`,
  }));
  const sessions = scenarioSessions(sessionsFor(options.trainees), organisations, {
    start: new Date(`${today}T00:00:00Z`),
    runId,
  });
  const runs: TraineeRun[] = planTrainees(options.trainees, runId).map((trainee) => ({
    trainee,
    sessionKey: (sessions[trainee.session] as ScenarioSession).sessionKey,
    failures: [],
  }));

  // 1. SOFI: the offer arrives as an LHEO export.
  progress(`importing ${sessions.length} sessions through SOFI`);
  const imported = await env.sofi.call<{ published: number; committed: boolean }>(
    'POST',
    '/imports',
    lheoExport(sessions, startedAt),
    'application/xml',
  );
  if (!imported.body.committed) throw new Error(`The SOFI import was not committed: ${JSON.stringify(imported.body)}`);

  // 2. Kairos knows the sessions once its writer consumed them.
  await waitFor(
    async () =>
      (await Promise.all(sessions.map((s) => exists(env.kairos, `/sessions/${seg(s.sessionKey)}`)))).every(Boolean),
    'Kairos to know every imported session',
  );

  // 3. The OFs open their recruitment modalities, a few minutes ahead.
  const lead = options.appointmentLeadMinutes ?? 2;
  const appointment = paris(new Date(Date.now() + lead * 60_000 + 60_000));
  progress(
    `opening ICOs, RDVI slots and candidature windows (appointments at ${appointment.date} ${appointment.time})`,
  );
  const modalities = new Map<string, Record<Target, string>>();
  await forEachLimited(sessions, options.concurrency ?? 6, async (session) => {
    modalities.set(session.sessionKey, await openModalities(env.kairos, session, appointment, today));
  });

  // The catalogue publishes each session on the four channels with the modalities just opened.
  let listings: ScenarioRun['listings'];
  if (env.catalogue) listings = await waitForListings(env.catalogue, sessions, progress);

  // 4. Positioning: prescribers in Ouiform, DEs from the app and Trouver ma formation. In path order within a
  // session, so the small ICO's last place goes to the same trainee every run.
  progress(`positioning ${runs.length} trainees`);
  let positioned = 0;
  await forEachLimited(sessions, options.concurrency ?? 6, async (session) => {
    for (const run of runs.filter((r) => r.sessionKey === session.sessionKey)) {
      const modalityId = (modalities.get(session.sessionKey) as Record<Target, string>)[run.trainee.path.target];
      const started = performance.now();
      try {
        Object.assign(run, await env.positioning.position(run.trainee, session.sessionKey, modalityId));
      } catch (error) {
        run.failures.push(`positioning: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      run.decisionMs = performance.now() - started;
      if (run.decision !== run.trainee.path.decision)
        run.failures.push(
          `positioning: expected ${run.trainee.path.decision}, got ${run.decision} ${run.refusal ?? ''}`,
        );
      positioned += 1;
      if (positioned % 50 === 0) progress(`  ${positioned}/${runs.length} positioned`);
    }
  });

  // 5. What happens before the appointments: transfers, withdrawals, cancellations, candidature contacts.
  progress('before the appointments: transfers, withdrawals, cancellations, candidature contacts');
  await forEachLimited(runs, options.concurrency ?? 6, async (run) => {
    if (run.decision !== 'ACCEPTED') return;
    for (const step of run.trainee.path.before) await act(env, run, step, { modalities, appointment, today });
  });

  // 6. The appointments take place.
  const waitStarted = Date.now();
  await waitUntilParis(appointment.date, appointment.time, (seconds) =>
    progress(`waiting for the appointments to take place (${seconds} s)`),
  );
  const waitedMs = Date.now() - waitStarted;

  // 7. The OFs record presence, results, waitlist decisions, interviews, then the training itself.
  progress('after the appointments: presence, results, waitlists, interviews, entries, attendance, exits');
  let followed = 0;
  await forEachLimited(runs, options.concurrency ?? 6, async (run) => {
    if (run.decision !== 'ACCEPTED') return;
    for (const step of run.trainee.path.after) {
      if (run.failures.length > 0) break;
      await act(env, run, step, { modalities, appointment, today });
    }
    followed += 1;
    if (followed % 50 === 0) progress(`  ${followed} journeys followed up`);
  });

  const finishedAt = new Date();
  const activeMs = finishedAt.getTime() - startedAt.getTime() - waitedMs;
  return {
    runId,
    sessions,
    trainees: runs,
    appointment,
    startedAt,
    finishedAt,
    activeMs,
    ...(listings ? { listings } : {}),
  };
}

interface ActContext {
  modalities: Map<string, Record<Target, string>>;
  appointment: { date: string; time: string };
  today: string;
}

/** One OF (or prescriber) act of a path; a refusal is recorded as the trainee's failure, never thrown. */
async function act(env: ScenarioEnvironment, run: TraineeRun, step: Step, context: ActContext): Promise<void> {
  const session = `/sessions/${seg(run.sessionKey)}`;
  const registration = `${session}/registrations/${seg(run.registrationId ?? '')}`;
  const candidature = `${session}/candidatures/${seg(run.candidatureId ?? '')}`;
  const enrolment = () => `${session}/enrolments/${seg(run.enrolmentId ?? '')}`;
  const post = (path: string, body: unknown) => kairosAct(env.kairos, path, body);
  const { today } = context;
  try {
    switch (step.act) {
      case 'withdraw':
        await env.positioning.withdraw(run.trainee, run.requestId as string);
        return;
      case 'cancel-appointment':
        await post(`${registration}/cancel`, { reason: 'Séance réorganisée' });
        return;
      case 'transfer': {
        const to = (context.modalities.get(run.sessionKey) as Record<Target, string>)[step.to];
        const answer = await post(`${registration}/transfer`, { toModalityId: to });
        if (typeof answer.newRegistrationId === 'string') run.registrationId = answer.newRegistrationId;
        return;
      }
      case 'presence':
        await post(`${registration}/presence`, { presence: step.presence });
        return;
      case 'result': {
        const answer = await post(`${registration}/result`, {
          result: step.result,
          ...(step.reason ? { reason: step.reason } : {}),
        });
        if (typeof answer.enrolmentId === 'string') run.enrolmentId = answer.enrolmentId;
        return;
      }
      case 'waitlist': {
        const answer = await post(`${registration}/waitlist`, { decision: step.decision });
        if (typeof answer.enrolmentId === 'string') run.enrolmentId = answer.enrolmentId;
        return;
      }
      case 'contact':
        await post(`${candidature}/contact`, {
          outcome: step.outcome,
          ...(step.interview
            ? { interview: { date: context.appointment.date, time: context.appointment.time, modality: 'VIDEO' } }
            : {}),
        });
        return;
      case 'interview-presence':
        await post(`${candidature}/interview-presence`, { presence: step.presence });
        return;
      case 'candidature-result': {
        const answer = await post(`${candidature}/result`, { result: step.result });
        if (typeof answer.enrolmentId === 'string') run.enrolmentId = answer.enrolmentId;
        return;
      }
      case 'aif-quote': {
        const { deIdentifier, lastName, firstName } = run.trainee;
        const drafted = await post(`${session}/quotes`, {
          de: { deIdentifier, lastName, firstName },
          amountCents: 345_000,
          hours: 420,
          funderCode: '4',
        });
        const quote = `${session}/quotes/${seg(String(drafted.quoteId))}`;
        await post(`${quote}/submit`, {});
        await kairosAct(env.kairosAdviser, `${quote}/decision`, {
          decision: 'VALIDE',
          reason: 'Financement AIF accordé',
        });
        return;
      }
      case 'entry':
        await post(`${enrolment()}/entry`, { entryDate: today });
        return;
      case 'absence-at-entry':
        await post(`${enrolment()}/absence-at-entry`, {});
        return;
      case 'interruption':
        await post(`${enrolment()}/interruptions`, {
          start: today,
          end: addDays(today, 14),
          reason: 'Raison de santé',
        });
        return;
      case 'attendance':
        await post(`${enrolment()}/attendance`, { from: today, to: today, presentHours: 7, absentHours: 0 });
        return;
      case 'abandon':
        await post(`${enrolment()}/abandon`, { date: today, reason: 'Reprise d’emploi' });
        return;
      case 'exit':
        await post(`${enrolment()}/exit`, { date: today, reason: 'END_OF_TRAINING' });
        return;
      case 'report':
        await post(`${enrolment()}/report`, { completion: 'TOTAL', completionRate: 1, summary: 'Parcours complet.' });
        return;
    }
  } catch (error) {
    run.failures.push(`${step.act}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Opens the session's ICOs (two of 8 and 4 places, a small one of 1), RDVI slots and a candidature window. */
async function openModalities(
  kairos: Api,
  session: ScenarioSession,
  at: { date: string; time: string },
  today: string,
): Promise<Record<Target, string>> {
  const path = `/sessions/${seg(session.sessionKey)}/modalities`;
  // An hour long, but never past midnight: an appointment ends the day it starts.
  const endMinutes = Math.min(23 * 60 + 59, Number(at.time.slice(0, 2)) * 60 + Number(at.time.slice(3, 5)) + 60);
  const endTime = `${String(Math.floor(endMinutes / 60)).padStart(2, '0')}:${String(endMinutes % 60).padStart(2, '0')}`;
  // The first act on a fresh session may reach Kairos's writer before the offer event does (they are separate
  // inputs): then the session is not its yet (403). Kairos's own read model already knew it; retry a little.
  const schedule = async (body: Record<string, unknown>) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return (await kairosAct(kairos, path, body)).modalityId as string;
      } catch (error) {
        if (!(error instanceof ApiError) || error.problem.status !== 403 || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  const ico = (capacity: number) => ({
    kind: 'ICO',
    date: at.date,
    startTime: at.time,
    endTime,
    place: PLACE,
    capacity,
  });
  return {
    ICO_A: await schedule(ico(8)),
    ICO_B: await schedule(ico(4)),
    ICO_SMALL: await schedule(ico(1)),
    RDVI: await schedule({
      kind: 'RDVI',
      date: at.date,
      startTime: at.time,
      endTime,
      place: PLACE,
      slotMinutes: 30,
      capacity: 4,
    }),
    WINDOW: await schedule({
      kind: 'CANDIDATURE_WINDOW',
      receptionStart: today,
      receptionEnd: addDays(today, 30),
      capacity: 10,
    }),
  };
}

/**
 * An OF act in Kairos. A 202 means Kairos has not decided within the request (its writer is busy or restarting):
 * follow the command until it has, as the OF's screen would.
 */
async function kairosAct(kairos: Api, path: string, body: unknown): Promise<Record<string, unknown>> {
  const answer = await kairos.send<Record<string, unknown>>('POST', path, body);
  if (answer.status !== 202 || !answer.location) return answer.body;
  const deadline = Date.now() + 120_000;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const polled = await kairos.call<Record<string, unknown>>('GET', answer.location);
    if (polled.status !== 202) return polled.body;
    if (Date.now() > deadline) throw new Error(`Kairos did not decide ${path} within 120 s`);
  }
}

const CHANNELS = ['AUDEF', 'OUIFORM', 'TMF', 'MA_FORMATION'] as const;

/** Waits (30 s at most) until every session is listed on every channel with its five modalities. */
async function waitForListings(
  catalogue: Api,
  sessions: readonly ScenarioSession[],
  progress: (line: string) => void,
): Promise<NonNullable<ScenarioRun['listings']>> {
  const started = Date.now();
  const listed = new Set<string>();
  while (Date.now() - started < 30_000 && listed.size < sessions.length * CHANNELS.length) {
    for (const session of sessions) {
      for (const channel of CHANNELS) {
        const key = `${channel}|${session.sessionKey}`;
        if (listed.has(key)) continue;
        try {
          const listing = await catalogue.get<{ modalities?: unknown[] }>(
            `/channels/${channel}/sessions/${seg(session.sessionKey)}`,
          );
          if ((listing.modalities?.length ?? 0) >= 5) listed.add(key);
        } catch (error) {
          if (!(error instanceof ApiError) || ![404, 503].includes(error.problem.status)) throw error;
        }
      }
    }
    if (listed.size < sessions.length * CHANNELS.length) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  progress(`${listed.size / CHANNELS.length} of ${sessions.length} sessions listed on the four channels`);
  return { channels: CHANNELS, listed: listed.size, sessions: sessions.length, ms: Date.now() - started };
}

async function exists(api: Api, path: string): Promise<boolean> {
  try {
    await api.get(path);
    return true;
  } catch (error) {
    if (error instanceof ApiError && [403, 404].includes(error.problem.status)) return false;
    throw error;
  }
}

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs `work` over `items`, at most `limit` at a time. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
