import { randomBytes } from 'node:crypto';
import type { Bus } from '@passerelle/bus';
import { type RunningService, type StartOptions, startService } from '@passerelle/runtime';
import { type EventRecordName, journeyIdFor, type RecordTypes } from '@passerelle/schemas';
import { fixtures, offerSession } from '@passerelle/schemas/fixtures';
import { waitFor } from '@passerelle/test-kit';
import { httpCall, prepareBus, runnableEnv, TestClock, testBus } from '@passerelle/test-kit/runnable';
import { journeyService } from '../src/service.js';
import type { VigilanceSweep } from '../src/sweep.js';
import { journeyContracts, journeyTopics } from '../src/topics.js';

export const SIRET = offerSession.formation.responsibleOrganisation.siret;
export const OTHER_SIRET = '11111111100011';
export const OPS_TOKEN = randomBytes(18).toString('base64url');
export const OF_TOKEN = randomBytes(18).toString('base64url');
export const OTHER_OF_TOKEN = randomBytes(18).toString('base64url');
export const JOURNEY_SECRET = 'integration-journey-secret';

/** A movable clock (the vigilance sweep's). */
export { TestClock };

/** The environment of a journey service instance on a test's own topics and group. */
export function journeyEnv(prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return runnableEnv('journey', {
    JOURNEY_TOPIC_PREFIX: prefix,
    JOURNEY_GROUP_ID: `${prefix}service-journey`,
    JOURNEY_TOKENS: JSON.stringify({
      [OPS_TOKEN]: { role: 'ops' },
      [OF_TOKEN]: { role: 'of', sirets: [SIRET] },
      [OTHER_OF_TOKEN]: { role: 'of', sirets: [OTHER_SIRET] },
    }),
    JOURNEY_SECRET,
    JOURNEY_SWEEP_INTERVAL_MS: '3600000',
    ...extra,
  });
}

export async function startJourney(
  prefix: string,
  clock: TestClock,
  extra: Record<string, string> = {},
  options: StartOptions = {},
): Promise<{ service: RunningService; sweep: VigilanceSweep }> {
  const env = journeyEnv(prefix, extra);
  let sweep: VigilanceSweep | undefined;
  const service = await startService(
    journeyService({ env, clock: clock.now, onSweep: (created) => (sweep = created) }),
    env,
    options,
  );
  if (!sweep) throw new Error('the service declared no sweep');
  return { service, sweep };
}

/** A bus on the test's topics, standing for SOFI, Ouiform and Kairos. */
export async function producerBus(prefix: string): Promise<Bus> {
  const bus = testBus('journey-producer', journeyContracts(prefix));
  await prepareBus(bus);
  return bus;
}

/** A session of its own and its events, as SOFI, Ouiform and Kairos would publish them. */
export class SessionScript {
  readonly sessionKey: string;
  readonly topics: ReturnType<typeof journeyTopics>;
  #n = 0;
  at = Date.now() - 3600_000;

  constructor(prefix: string) {
    const id = randomBytes(4).toString('hex').toUpperCase();
    this.sessionKey = `14_AF_${id}|14_SE_${id}|SE_${id}`;
    this.topics = journeyTopics(prefix);
  }

  journeyOf(deIdentifier: string) {
    return journeyIdFor(JOURNEY_SECRET, deIdentifier, this.sessionKey);
  }

  #envelope<Name extends EventRecordName>(record: Name, correlationId: string) {
    this.at += 1000;
    const base = (
      fixtures[record] as { envelope: RecordTypes['fr.passerelle.kairos.RegistrationRecorded']['envelope'] }
    ).envelope;
    return {
      ...base,
      eventId: `${this.sessionKey}:${this.#n++}`,
      occurredAt: new Date(this.at),
      recordedAt: new Date(this.at + 10),
      correlationId,
    };
  }

  offer(start: string, end: string) {
    const record = 'fr.passerelle.offer.SessionPublished';
    const session = {
      ...offerSession,
      sessionKey: this.sessionKey,
      session: { ...offerSession.session, start, end },
    };
    return {
      topic: this.topics.offer,
      key: this.sessionKey,
      record,
      value: { envelope: this.#envelope(record, this.sessionKey), sessionKey: this.sessionKey, session },
    };
  }

  /** A trainee event of `record`, from its fixture, for the DE `deIdentifier` on this session. */
  trainee<Name extends EventRecordName>(
    record: Name,
    deIdentifier: string,
    fields: Partial<RecordTypes[Name]>,
  ): { topic: string; key: string; record: Name; value: RecordTypes[Name] } {
    const journeyId = this.journeyOf(deIdentifier);
    const base = fixtures[record] as unknown as Record<string, unknown>;
    const de = 'de' in base && base.de ? { de: { ...(base.de as object), deIdentifier } } : {};
    const target = 'target' in base ? { target: { ...(base.target as object), sessionKey: this.sessionKey } } : {};
    const value = {
      ...base,
      ...de,
      ...target,
      ...('sessionKey' in base ? { sessionKey: this.sessionKey } : {}),
      journeyId,
      ...fields,
      envelope: this.#envelope(record, journeyId),
    } as unknown as RecordTypes[Name];
    const topic = record.startsWith('fr.passerelle.positioning.') ? this.topics.positioning : this.topics.sessionEvents;
    return { topic, key: this.sessionKey, record, value };
  }
}

/** The journey service's HTTP API as a client sees it. */
export class Api {
  constructor(readonly url: string) {}

  request(method: string, path: string, token: string | null, body?: unknown) {
    return httpCall<Record<string, unknown> & Record<string, never>>(this.url, method, path, { token, body }, {});
  }

  get(path: string, token: string | null = OPS_TOKEN) {
    return this.request('GET', path, token);
  }

  /** Waits until the journey is served and `until` holds of it (`timeoutMs`: nominal, scaled by waitFor). */
  async journey(journeyId: string, until: (journey: JourneyJson) => boolean, timeoutMs?: number): Promise<JourneyJson> {
    let last: JourneyJson | undefined;
    await waitFor(
      async () => {
        const response = await this.get(`/journeys/${journeyId}`);
        if (response.status !== 200) return false;
        last = response.body as unknown as JourneyJson;
        return until(last);
      },
      // Read at the failure: the last status served tells where the journey stopped.
      { timeoutMs, description: () => `journey ${journeyId.slice(0, 8)} (last: ${last?.status ?? 'not served'})` },
    );
    return last as JourneyJson;
  }
}

export interface JourneyJson {
  journeyId: string;
  sessionKey: string;
  status: string;
  sourceLabel: string;
  organisationSirets: string[];
  links: Array<{ kind: string; id: string; status: string; from: string | null }>;
  vigilance: Array<{ code: string; label: string; since: string; subjectId: string }>;
  vigilanceDueAt: string | null;
  anomalies: string[];
  timeline: Array<{
    eventId: string;
    record: string;
    status: string | null;
    anomaly: string | null;
    actor: { kind: string; siret: string | null };
  }>;
}
