import type { Actor, EnrolmentOrigin, JourneyStatus } from '@passerelle/schemas';

/**
 * The parts of a journey (domain.md §c.0): a positioning request, the three nested aggregates of Kairos, and the AIF
 * quote that funds the training (issue 15).
 */
export type SubjectKind = 'POSITIONING' | 'REGISTRATION' | 'CANDIDATURE' | 'ENROLMENT' | 'QUOTE';

/**
 * - IMPOSSIBLE_TRANSITION: the state machine of §c does not allow the event from the subject's current status;
 *   the event is kept in the timeline, the status does not move.
 * - UNKNOWN_SUBJECT: the event names a registration, candidature, enrolment or request this journey never saw.
 * - RULE_VIOLATION: the transition exists but a guard of §c is broken (entry outside the session, an enrolment
 *   without a retained result…); the event is applied — Kairos recorded it — and flagged.
 * - OUT_OF_ORDER: the event arrived after one of the same source that occurred later (a replay, a late
 *   producer); it takes its place in business order and is flagged.
 */
export type AnomalyCode = 'IMPOSSIBLE_TRANSITION' | 'UNKNOWN_SUBJECT' | 'RULE_VIOLATION' | 'OUT_OF_ORDER';

/** What the journey needs to know of its session (from offer.sessions.v1). */
export interface SessionFacts {
  /** LHEO dates, possibly partial (YYYY-MM, YYYY); null when unknown. */
  start: string | null;
  end: string | null;
  /** LHEO entrées/sorties permanentes: a DE may enter at any time between start and end. */
  permanentEntry: boolean;
  /** Responsible and delivering organisations. */
  sirets: readonly string[];
  /** The zone of the session's wall clock (Europe/Paris unless held overseas): every deadline is read on it. */
  timeZone: string;
}

/** A registration, candidature, enrolment or positioning request of the journey, and what it came from. */
export interface JourneyPart {
  kind: SubjectKind;
  id: string;
  status: JourneyStatus;
  sourceLabel: string;
  /** When the current status was reached (occurred-at, ms). */
  since: number;
  /** The id it came from: the request a registration answers, the registration a transfer or an enrolment came from. */
  from: string | null;
  modalityId: string | null;
  /** Position in the fold: the latest created part leads the journey. */
  order: number;
  /** Timeline index of the step that created it, and of the last that changed its status. */
  createdStep: number;
  changedStep: number;
  /** Requests: answered by a registration or a candidature (then that part leads). */
  answered: boolean;
  /** Requests known only from an answer so far (the request itself not seen yet). */
  implied: boolean;
  interview: { date: string; time: string | null } | null;
  entryDate: string | null;
  /** Paris date the enrolment was opened. */
  openedOn: string | null;
  origin: EnrolmentOrigin | null;
  reportRecorded: boolean;
}

export interface TimelineStep {
  eventId: string;
  record: string;
  subjectKind: SubjectKind;
  subjectId: string;
  /** The status the event gave its subject; null when it changes none (an interview fixed, attendance…). */
  status: JourneyStatus | null;
  sourceLabel: string | null;
  actor: Actor;
  occurredAt: number;
  recordedAt: number;
  anomaly: AnomalyCode | null;
  anomalyDetail: string | null;
}

export interface JourneyView {
  journeyId: string;
  sessionKey: string;
  status: JourneyStatus;
  sourceLabel: string;
  statusSince: number | null;
  /** SIRETs named by the journey's events (responsible and delivering OF). */
  eventSirets: string[];
  registrationId: string | null;
  candidatureId: string | null;
  enrolmentId: string | null;
  parts: JourneyPart[];
  timeline: TimelineStep[];
  anomalies: string[];
  lastEventId: string;
}

/** Statuses after which a part waits for nothing more (§c diagrams' final states; RETENU hands over). */
export const TERMINAL: ReadonlySet<JourneyStatus> = new Set<JourneyStatus>([
  'REFUSE',
  'RETIRE',
  'RDV_ANNULE',
  'TRANSFERE',
  'ABSENT',
  'RETENU',
  'NON_RETENU',
  'REFUSE_APRES_ATTENTE',
  'REFUS_CANDIDAT',
  'SANS_SUITE',
  'ABSENT_ENTRETIEN',
  'ABSENT_A_L_ENTREE',
  'ABANDON',
  'SORTI',
  'ANNULE',
  'DEVIS_REFUSE',
  'DEVIS_ANNULE',
]);

/** Why a fact is flagged (see AnomalyCode), kept on its timeline step. */
export class Anomaly {
  constructor(
    readonly code: AnomalyCode,
    readonly detail: string,
  ) {}
}

/** What one fact did: the subject it is about, the status it gave it (null: none), and its anomaly if any. */
export interface Outcome {
  subjectKind: SubjectKind;
  subjectId: string;
  status: JourneyStatus | null;
  sourceLabel: string | null;
  anomaly?: Anomaly;
}
