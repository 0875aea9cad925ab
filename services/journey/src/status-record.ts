import type { Actor, JourneyStatusChanged } from '@passerelle/schemas';
import type { SessionJourneys } from './journey/session.js';

export const STATUS_RECORD = 'fr.passerelle.journey.JourneyStatusChanged';

const PASSERELLE: Actor = {
  kind: 'SYSTEM',
  siret: null,
  organisationName: null,
  prescriberNetwork: null,
  channel: null,
};

const toDate = (ms: number | null) => (ms === null ? null : new Date(ms));

/** What `journey.status` says of a journey, but its envelope: compared to decide whether to publish. */
export type JourneyStatusBody = Omit<JourneyStatusChanged, 'envelope'>;

/** The published view of one journey of a session (undefined when the session has no such journey). */
export function statusBodyOf(state: SessionJourneys, journeyId: string): JourneyStatusBody | undefined {
  const entry = state.journeys.get(journeyId);
  if (!entry) return undefined;
  const { view, vigilance } = entry;
  return {
    journeyId,
    sessionKey: state.sessionKey,
    status: view.status,
    sourceLabel: view.sourceLabel,
    registrationId: view.registrationId,
    candidatureId: view.candidatureId,
    enrolmentId: view.enrolmentId,
    steps: view.timeline.length,
    vigilance: vigilance.items.map((item) => item.code),
    anomalies: view.anomalies,
    lastEventId: view.lastEventId,
    organisationSirets: [...new Set([...(state.session?.sirets ?? []), ...view.eventSirets])],
    statusSince: toDate(view.statusSince),
    links: view.parts.map((part) => ({
      kind: part.kind,
      id: part.id,
      status: part.status,
      sourceLabel: part.sourceLabel,
      from: part.from,
      modalityId: part.modalityId,
    })),
    timeline: view.timeline.map((step) => ({
      ...step,
      occurredAt: new Date(step.occurredAt),
      recordedAt: new Date(step.recordedAt),
    })),
    vigilanceItems: vigilance.items.map((item) => ({ ...item, since: new Date(item.since) })),
    vigilanceDueAt: toDate(vigilance.dueAt),
  };
}

/** A status with its envelope: the id derives from the consumed event that caused it, so a retry re-emits it. */
export function statusEventOf(
  body: JourneyStatusBody,
  cause: { eventId: string; occurredAt: Date },
  now: Date,
): JourneyStatusChanged {
  return {
    envelope: {
      eventId: `journey:${body.journeyId}:${cause.eventId}`,
      occurredAt: cause.occurredAt,
      recordedAt: now,
      actor: PASSERELLE,
      sourceSystem: 'PASSERELLE',
      correlationId: body.journeyId,
      causationId: cause.eventId,
    },
    ...body,
  };
}
