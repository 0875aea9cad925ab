import type {
  Completion,
  DePersonalData,
  ExitReason,
  InterviewModality,
  NonRetenuReason,
  Presence,
} from '@passerelle/schemas';

/**
 * The acts of a training organisation (issue 5), as the single writer receives them: validated at the HTTP edge
 * (JSON schemas in http/acts.ts), routed through `kairos.commands`, decided by `decide`.
 */
export type Act =
  // recruitment modalities (ICO, RDVI slot ranges, candidature windows)
  | ({ type: 'modality.schedule' } & ModalityInput)
  | ({ type: 'modality.modify'; modalityId: string } & Partial<Omit<ModalityInput, 'kind'>>)
  | { type: 'modality.duplicate'; modalityId: string; date?: string; startTime?: string; endTime?: string }
  | {
      type: 'modality.delete';
      modalityId: string;
      /** What happens to active registrants: cancelled (RDV annulé) or transferred to another ICO/RDVI. */
      registrants?: { action: 'cancel' | 'transfer'; toModalityId?: string };
      reason?: string;
    }
  | {
      type: 'modality.adjust-window';
      modalityId: string;
      receptionStart?: string;
      receptionEnd?: string;
      capacity?: number;
    }
  // registrations on an ICO / RDVI
  | { type: 'registration.register'; modalityId: string; de: DePersonalData }
  | { type: 'registration.cancel'; registrationId: string; reason?: string }
  | { type: 'registration.transfer'; registrationId: string; toModalityId: string }
  | { type: 'registration.presence'; registrationId: string; presence: Exclude<Presence, 'UNKNOWN'> }
  | {
      type: 'registration.result';
      registrationId: string;
      result: 'RETENU' | 'RETENU_EN_ATTENTE' | 'NON_RETENU';
      reason?: NonRetenuReason;
      comment?: string;
    }
  | {
      type: 'registration.waitlist';
      registrationId: string;
      decision: 'RETENU' | 'REFUSE_APRES_ATTENTE';
      reason?: string;
    }
  // candidatures (Kairos NG)
  | {
      type: 'candidature.contact';
      candidatureId: string;
      outcome: 'CONTACTE' | 'INJOIGNABLE' | 'REFUS_CANDIDAT';
      interview?: InterviewInput;
    }
  | ({ type: 'candidature.interview'; candidatureId: string } & InterviewInput)
  | { type: 'candidature.interview-presence'; candidatureId: string; presence: Exclude<Presence, 'UNKNOWN'> }
  | {
      type: 'candidature.result';
      candidatureId: string;
      result: 'RETENU' | 'NON_RETENU';
      reason?: NonRetenuReason;
      comment?: string;
    }
  // enrolment (inscription en formation)
  | { type: 'enrolment.propose'; de: DePersonalData }
  | { type: 'enrolment.entry'; enrolmentId: string; entryDate: string }
  | { type: 'enrolment.correct-entry'; enrolmentId: string; entryDate: string; reason: string }
  | { type: 'enrolment.absence-at-entry'; enrolmentId: string }
  | { type: 'enrolment.interruption'; enrolmentId: string; start: string; end: string; reason?: string }
  | { type: 'enrolment.end-interruption'; enrolmentId: string; interruptionId: string; end: string }
  | {
      type: 'enrolment.attendance';
      enrolmentId: string;
      from: string;
      to: string;
      presentHours: number;
      absentHours: number;
    }
  | { type: 'enrolment.abandon'; enrolmentId: string; date: string; reason?: string }
  | { type: 'enrolment.exit'; enrolmentId: string; date: string; reason: ExitReason }
  | {
      type: 'enrolment.report';
      enrolmentId: string;
      completion: Exclude<Completion, 'UNKNOWN'>;
      completionRate?: number;
      summary?: string;
    }
  | { type: 'enrolment.cancel'; enrolmentId: string; reason?: string }
  // AIF quotes (devis): drafted, sent and cancelled by the OF, decided by the France Travail adviser
  | { type: 'quote.draft'; de: DePersonalData; amountCents: number; hours: number; funderCode: string }
  | { type: 'quote.submit'; quoteId: string }
  | { type: 'quote.cancel'; quoteId: string; reason?: string }
  | { type: 'quote.enrol'; quoteId: string }
  | { type: 'quote.decide'; quoteId: string; decision: 'VALIDE' | 'REFUSE'; reason?: string }
  // the session itself
  | { type: 'session.correspondent'; name: string; phone?: string; email?: string };

export type ActType = Act['type'];

export interface ModalityInput {
  kind: 'ICO' | 'RDVI' | 'CANDIDATURE_WINDOW';
  /** ICO / RDVI: the day, the times (Europe/Paris) and where. */
  date?: string;
  startTime?: string;
  endTime?: string;
  place?: string;
  remoteLink?: string;
  /** ICO: places; candidature window: capacité maximale; RDVI: derived from the slots when absent. */
  capacity?: number;
  /** RDVI: length of one slot (one DE per slot, domain.md §d.3). */
  slotMinutes?: number;
  /** Candidature window: période de réception. */
  receptionStart?: string;
  receptionEnd?: string;
  comment?: string;
  /** ICO / RDVI: what the DE brings, printed on the invitation letter (annex 7.2); a default list otherwise. */
  whatToBring?: string;
}

export interface InterviewInput {
  date: string;
  time?: string;
  modality: InterviewModality;
}

export interface Command {
  commandId: string;
  sessionKey: string;
  /** The SIRETs the caller's token stands for (none for a France Travail adviser). */
  actorSirets: readonly string[];
  /** Set when a France Travail adviser acts (the quote decision), not an OF: who, as the adviser token names it. */
  adviser?: { name: string };
  act: Act;
}

/** Why an act is refused: the HTTP status, the rule it breaks (stable, machine-readable) and a human detail. */
export interface Rejection {
  status: 403 | 404 | 409 | 422;
  rule: string;
  detail: string;
  field?: string;
}
