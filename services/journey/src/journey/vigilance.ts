import { missingEntry, waitlistExpiry } from '@passerelle/schemas/deadlines';
import { PARIS } from '@passerelle/schemas/local-time';
import { addDays, localInstant } from './calendar.js';
import type { JourneyPart, JourneyView, SessionFacts } from './journey.js';

/**
 * Files under watch (dossiers en vigilance, domain.md §d.6), each a rule over the journey's facts and a clock:
 * - RETAINED_NO_ENTRY: enrolled (retained, or proposed directly) and the session has started — or, enrolled
 *   after its start, the day of enrolment has come — with neither entry, absence at entry nor cancellation;
 * - ENTRY_NOT_DECLARED: the same, past three French working days (E2, G14: the EDOF deadline) — it replaces
 *   RETAINED_NO_ENTRY, the file is now late. Both are `missingEntry` of @passerelle/schemas/deadlines, the rule
 *   Kairos's dashboard reads too;
 * - WAITLISTED_AT_START: still retenu mis en attente when a fixed-dates session starts (G11; permanent-entry
 *   sessions keep their waiting list);
 * - APPOINTMENT_WITHOUT_OUTCOME: an ICO/RDVI that took place with its presence or result not entered (R4, "RDV en
 *   attente de saisie"), or an interview that took place with its presence or result not entered.
 */
export type VigilanceCode =
  | 'RETAINED_NO_ENTRY'
  | 'ENTRY_NOT_DECLARED'
  | 'WAITLISTED_AT_START'
  | 'APPOINTMENT_WITHOUT_OUTCOME';

export interface VigilanceItem {
  code: VigilanceCode;
  label: string;
  /** When the file came under watch (ms). */
  since: number;
  /** The enrolment, registration or candidature concerned. */
  subjectId: string;
}

export interface VigilanceReview {
  items: VigilanceItem[];
  /** The next instant a flag falls due if nothing is recorded before; null when none is pending. */
  dueAt: number | null;
}

/** An ICO or RDVI range as the journey needs it (from kairos.session-events modality events). */
export interface AppointmentFacts {
  /** YYYY-MM-DD; null for a candidature window. */
  date: string | null;
  startTime: string | null;
  endTime: string | null;
  cancelled: boolean;
}

const LABELS: Record<VigilanceCode, string> = {
  RETAINED_NO_ENTRY: 'Retenu, entrée non saisie depuis le début de la session',
  ENTRY_NOT_DECLARED: 'Entrée non déclarée sous trois jours ouvrés',
  WAITLISTED_AT_START: 'Toujours en attente au début de la session',
  APPOINTMENT_WITHOUT_OUTCOME: 'RDV passé sans présence ni résultat',
};
const INTERVIEW_LABEL = 'Entretien passé sans présence ni résultat';

/** The instant an appointment is over: its end time, else its start, else the end of its day. */
const appointmentEnd = (date: string, time: string | null, timeZone: string) =>
  time === null ? localInstant(addDays(date, 1), '00:00', timeZone) : localInstant(date, time, timeZone);

/** The journey's files under watch at `at` (undefined: no clock yet — nothing flagged, the first deadline due). */
export function reviewVigilance(
  journey: Pick<JourneyView, 'parts'>,
  session: SessionFacts | undefined,
  appointments: ReadonlyMap<string, AppointmentFacts>,
  at: number | undefined,
): VigilanceReview {
  const now = at ?? Number.NEGATIVE_INFINITY;
  const items: VigilanceItem[] = [];
  const deadlines: number[] = [];
  /** Raises `code` from `from` on; until then, `from` is a deadline to review at. Returns whether it is raised. */
  const watch = (part: JourneyPart, code: VigilanceCode, from: number, label = LABELS[code]) => {
    if (now < from) {
      deadlines.push(from);
      return false;
    }
    items.push({ code, label, since: from, subjectId: part.id });
    return true;
  };
  // Every deadline falls on the session's own clock and calendar (an overseas session: its zone, its holidays).
  const timeZone = session?.timeZone ?? PARIS;
  const expiry = session ? waitlistExpiry(session) : null;

  for (const part of journey.parts) {
    if (part.kind === 'ENROLMENT' && part.status === 'INSCRIT_EN_FORMATION') {
      // The one missing-entry rule, shared with Kairos's dashboard.
      const missing = missingEntry(session?.start ?? null, part.openedOn, now, timeZone);
      if (missing === null) continue;
      if (missing.code === null) deadlines.push(missing.dueAt);
      else {
        items.push({ code: missing.code, label: LABELS[missing.code], since: missing.since, subjectId: part.id });
        if (missing.dueAt !== null) deadlines.push(missing.dueAt);
      }
    }
    // G11: Kairos expires this waiting list at the start; flagged meanwhile (and for a DE waitlisted after it).
    if (part.kind === 'REGISTRATION' && part.status === 'RETENU_EN_ATTENTE' && expiry !== null)
      watch(part, 'WAITLISTED_AT_START', expiry);
    if (part.kind === 'REGISTRATION' && (part.status === 'INSCRIT' || part.status === 'PRESENT')) {
      const appointment = part.modalityId === null ? undefined : appointments.get(part.modalityId);
      if (appointment?.date && !appointment.cancelled)
        watch(
          part,
          'APPOINTMENT_WITHOUT_OUTCOME',
          appointmentEnd(appointment.date, appointment.endTime ?? appointment.startTime, timeZone),
        );
    }
    if (
      part.kind === 'CANDIDATURE' &&
      (part.status === 'CONTACTE' || part.status === 'PRESENT_ENTRETIEN') &&
      part.interview
    )
      watch(
        part,
        'APPOINTMENT_WITHOUT_OUTCOME',
        appointmentEnd(part.interview.date, part.interview.time, timeZone),
        INTERVIEW_LABEL,
      );
  }
  return { items, dueAt: deadlines.length === 0 ? null : Math.min(...deadlines) };
}
