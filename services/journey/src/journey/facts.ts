import type { Actor, RecordTypes } from '@passerelle/schemas';

/** The records of a trainee's journey: positioning requests and every trainee event of Kairos (AIF quotes too). */
export const JOURNEY_RECORDS = [
  'PositioningRequested',
  'PositioningWithdrawn',
  'RegistrationRecorded',
  'RegistrationRefused',
  'RegistrationCancelled',
  'RegistrationTransferred',
  'InvitationIssued',
  'PresenceRecorded',
  'RecruitmentResultRecorded',
  'WaitlistDecisionRecorded',
  'CandidatureReceived',
  'CandidateContactRecorded',
  'InterviewScheduled',
  'InterviewPresenceRecorded',
  'CandidatureResultRecorded',
  'CandidatureWithdrawn',
  'EnrolmentOpened',
  'EntryRecorded',
  'EntryCorrected',
  'AbsenceAtEntryRecorded',
  'InterruptionStarted',
  'InterruptionEnded',
  'AttendancePeriodRecorded',
  'AbandonRecorded',
  'ExitRecorded',
  'EndOfTrainingReportRecorded',
  'EnrolmentCancelled',
  'QuoteDrafted',
  'QuoteSubmitted',
  'QuoteValidated',
  'QuoteRefused',
  'QuoteCancelled',
] as const;

export type JourneyRecord = (typeof JOURNEY_RECORDS)[number];

type FullName<Name extends JourneyRecord> = Name extends 'PositioningRequested' | 'PositioningWithdrawn'
  ? `fr.passerelle.positioning.${Name}`
  : `fr.passerelle.kairos.${Name}`;

/** An event's content as the journey keeps it: no envelope, and no personal data (`de`, prescription) at all. */
export type FactBody<Name extends JourneyRecord> = Omit<
  RecordTypes[FullName<Name>],
  'envelope' | 'de' | 'prescription'
>;

/** Which source topic a fact came from: order holds within a source, not across them. */
export type FactSource = 'positioning' | 'kairos';

/** One event of a journey, reduced to what the journey needs. */
export type JourneyFact = {
  [Name in JourneyRecord]: {
    record: Name;
    body: FactBody<Name>;
    eventId: string;
    source: FactSource;
    /** Arrival rank among the journey's facts of the same source (partition order: a rebuild sees the same). */
    seq: number;
    occurredAt: number;
    recordedAt: number;
    actor: Actor;
  };
}[JourneyRecord];

/** The full record name of a journey record, as the contracts and the lifecycle table name it. */
export const fullRecordName = (record: string): string =>
  record.startsWith('Positioning') ? `fr.passerelle.positioning.${record}` : `fr.passerelle.kairos.${record}`;

const NAMES = new Map<string, JourneyRecord>(JOURNEY_RECORDS.map((name) => [fullRecordName(name), name]));

/** The journey record of a full record name, or undefined (session-level events, the offer, other topics). */
export const journeyRecordOf = (fullName: string | null): JourneyRecord | undefined =>
  fullName === null ? undefined : NAMES.get(fullName);

interface Enveloped {
  envelope: { eventId: string; occurredAt: Date; recordedAt: Date; actor: Actor };
  journeyId: string;
}

/**
 * The fact of a decoded journey event (seq left to the journey that takes it), with personal data removed: the
 * identity a registration or positioning carries never enters the journey's state, its timeline or its logs.
 */
export function toFact(
  record: JourneyRecord,
  value: unknown,
): { journeyId: string; fact: Omit<JourneyFact, 'seq'> } | undefined {
  const event = value as Enveloped | null;
  if (!event?.envelope || typeof event.journeyId !== 'string') return undefined;
  const {
    envelope,
    de: _de,
    prescription: _prescription,
    ...body
  } = event as Enveloped & {
    de?: unknown;
    prescription?: unknown;
  };
  return {
    journeyId: event.journeyId,
    fact: {
      record,
      body: body as never,
      eventId: envelope.eventId,
      source: record.startsWith('Positioning') ? 'positioning' : 'kairos',
      occurredAt: envelope.occurredAt.getTime(),
      recordedAt: envelope.recordedAt.getTime(),
      actor: envelope.actor,
    } as Omit<JourneyFact, 'seq'>,
  };
}
