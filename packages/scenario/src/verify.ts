import { type Api, ApiError } from './api.js';
import type { ScenarioRun, TraineeRun } from './runner.js';

export interface JourneyView {
  journeyId: string;
  sessionKey: string;
  status: string;
  sourceLabel: string | null;
  anomalies: string[];
  timeline: Array<{
    eventId: string;
    record: string;
    status: string | null;
    sourceLabel: string | null;
    actor: { kind: string; siret: string | null; organisationName: string | null; channel: string | null } | null;
    occurredAt: string;
    anomaly: string | null;
  }>;
}

/**
 * Reads each trainee's journey from the journey service — the canonical status every reader of
 * `journey.status` sees — waiting a little for the last events to flow through. Sets `finalStatus`.
 */
export async function readFinalStatuses(journey: Api, run: ScenarioRun, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(run.trainees.filter((t) => t.journeyId));
  while (pending.size > 0) {
    await Promise.all(
      [...pending].map(async (trainee) => {
        const view = await journeyOf(journey, trainee);
        if (view) trainee.finalStatus = view.status;
        if (trainee.finalStatus === trainee.trainee.path.expected) pending.delete(trainee);
      }),
    );
    if (pending.size === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function journeyOf(
  journey: Api,
  trainee: Pick<TraineeRun, 'journeyId'>,
): Promise<JourneyView | undefined> {
  try {
    return await journey.get<JourneyView>(`/journeys/${encodeURIComponent(trainee.journeyId as string)}`);
  } catch (error) {
    if (error instanceof ApiError && error.problem.status === 404) return undefined;
    throw error;
  }
}
