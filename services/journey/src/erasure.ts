import { randomUUID } from 'node:crypto';
import type { Bus } from '@passerelle/bus';
import { type JourneyErased, journeyIdFor } from '@passerelle/schemas';
import type { JourneyReadModel } from './read-model.js';
import type { JourneyTopics } from './topics.js';

export const ERASED_RECORD = 'fr.passerelle.journey.JourneyErased';

export interface ErasureOutcome {
  erasureId: string;
  erasedJourneys: number;
  /** This instance serves none of them any more. */
  complete: boolean;
}

/**
 * Erases a DE (RGPD): finds his journeys without the service ever storing his identifier — a journey id is the
 * keyed hash of the identifier and the session key, so the candidates are `journeyIdFor(secret, identifier, s)` for
 * every session s the service follows — then records one `JourneyErased` per journey on `journey.erasures`, all
 * or none. The owner of each session consumes it: the journey leaves its state (and every rebuild's, which skip its
 * earlier events), and a tombstone goes to `journey.status`, which empties every instance's read model.
 */
export async function eraseDe(
  deIdentifier: string,
  {
    bus,
    topics,
    readModel,
    secret,
    timeoutMs,
  }: {
    bus: Bus;
    topics: JourneyTopics;
    readModel: JourneyReadModel;
    secret: string;
    timeoutMs: number;
  },
): Promise<ErasureOutcome> {
  const erasureId = randomUUID();
  const found: Array<{ journeyId: string; sessionKey: string }> = [];
  for (const sessionKey of [...readModel.sessionKeys()]) {
    const journeyId = journeyIdOrNone(secret, deIdentifier, sessionKey);
    if (journeyId && readModel.get(journeyId)) found.push({ journeyId, sessionKey });
  }
  const now = new Date();
  await bus.publishAtomically(
    found.map(({ journeyId, sessionKey }, index) => {
      const value: JourneyErased = {
        envelope: {
          eventId: `journey:erasure:${erasureId}:${index}`,
          occurredAt: now,
          recordedAt: now,
          actor: { kind: 'OPS', siret: null, organisationName: null, prescriberNetwork: null, channel: null },
          sourceSystem: 'PASSERELLE',
          correlationId: journeyId,
          causationId: null,
        },
        sessionKey,
        journeyId,
        erasureId,
      };
      return { topic: topics.erasures, key: sessionKey, record: ERASED_RECORD, value };
    }),
  );
  const ids = found.map((journey) => journey.journeyId);
  return { erasureId, erasedJourneys: found.length, complete: await readModel.whenGone(ids, timeoutMs) };
}

/** A session key that is not formation|action|session has no journey of anybody (journeyIdFor refuses it). */
function journeyIdOrNone(secret: string, deIdentifier: string, sessionKey: string): string | undefined {
  try {
    return journeyIdFor(secret, deIdentifier, sessionKey);
  } catch {
    return undefined;
  }
}
