import { type DePersonalData, type RecruitmentModality, STATUS_LABELS } from '@passerelle/schemas';
import type { DomainEvent, Emission } from './emit.js';
import { traineeFields } from './emit.js';
import { holdsPlace, type SessionAggregate } from './state.js';
import { minutesOf } from './time.js';

/**
 * The invitation letter (convocation, annex 7.2 of the seed) of a DE registered on an ICO or an RDVI. Kairos — the
 * single writer of the session — issues it as an `InvitationIssued` event: version 1 with the registration, version
 * + 1 for each registrant still INSCRIT when the appointment is rescheduled (4.1.3.2). The PDF, Ouiform's feed and
 * the catalogue read those facts, so the three always tell the DE the same date and time.
 */

/** What the letter asks the DE to bring when the OF wrote nothing on the modality. */
export const DEFAULT_WHAT_TO_BRING =
  'Votre pièce d’identité, un CV à jour et, si vous en avez, vos diplômes et attestations de formation.';

export const whatToBringOf = (modality: RecruitmentModality) => modality.whatToBring?.trim() || DEFAULT_WHAT_TO_BRING;

/** `HH:MM` of minutes since midnight. */
const timeOf = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * The slot times of an RDVI range: one per place, `slotMinutes` apart from its start. Empty for an ICO, and for an
 * RDVI given a capacity but no slot length (the DE then comes at the range's start).
 */
export function slotTimesOf(modality: RecruitmentModality): string[] {
  if (modality.kind !== 'RDVI' || !modality.slotMinutes || !modality.startTime) return [];
  const start = minutesOf(modality.startTime);
  const length = modality.slotMinutes;
  return Array.from({ length: modality.capacity }, (_, index) => timeOf(start + index * length));
}

/**
 * The first slot of the range no registrant holds: those already in the state (their latest letter's time) and
 * those given a slot earlier in the same decision (`pending`, e.g. several DEs transferred at once), which the state
 * does not show yet. Null when the range has no slots or every slot is taken.
 */
export function firstFreeSlot(
  state: SessionAggregate,
  modality: RecruitmentModality,
  pending: readonly DomainEvent[],
): string | null {
  const taken = new Set<string>();
  for (const registration of state.registrations.values())
    if (registration.modalityId === modality.modalityId && holdsPlace(registration) && registration.invitation)
      taken.add(registration.invitation.time);
  for (const event of pending)
    if (event.record === 'fr.passerelle.kairos.InvitationIssued' && event.value.modalityId === modality.modalityId)
      taken.add(event.value.time);
  return slotTimesOf(modality).find((slot) => !taken.has(slot)) ?? null;
}

/**
 * The DE's slot once the range moves: the same rank in the range (a DE second in line stays second), at the new
 * start and slot length. Null when the DE had no slot.
 */
export function rescheduledSlot(
  previous: RecruitmentModality,
  next: RecruitmentModality,
  slotTime: string | null,
): string | null {
  if (slotTime === null || !previous.startTime || !previous.slotMinutes || !next.startTime) return null;
  const rank = Math.round((minutesOf(slotTime) - minutesOf(previous.startTime)) / previous.slotMinutes);
  return timeOf(minutesOf(next.startTime) + rank * (next.slotMinutes ?? previous.slotMinutes));
}

/** Emits the letter of one registration as the modality now stands. */
export function issueInvitation(
  state: SessionAggregate,
  emission: Emission,
  letter: {
    registrationId: string;
    journeyId: string;
    modality: RecruitmentModality;
    slotTime: string | null;
    version: number;
  },
) {
  const { modality, slotTime } = letter;
  const end =
    slotTime !== null && modality.slotMinutes ? timeOf(minutesOf(slotTime) + modality.slotMinutes) : modality.endTime;
  emission.emit(
    'fr.passerelle.kairos.InvitationIssued',
    {
      ...traineeFields(state, letter.journeyId),
      registrationId: letter.registrationId,
      modalityId: modality.modalityId,
      modalityKind: modality.kind,
      version: letter.version,
      date: modality.date ?? '',
      time: slotTime ?? modality.startTime ?? '',
      endTime: end,
      place: modality.place,
      remoteLink: modality.remoteLink,
      whatToBring: whatToBringOf(modality),
    },
    letter.journeyId,
  );
}

/**
 * Records a DE on an ICO / RDVI and issues the letter: the single place where a registration is created, so every
 * path (the OF's act, a positioning request, a transfer) gives the RDVI slot and the convocation the same way. The
 * slot is the first free one of the range, decided here by the session's single writer — never twice the same.
 */
export function recordRegistration(
  state: SessionAggregate,
  emission: Emission,
  registration: {
    registrationId: string;
    journeyId: string;
    modality: RecruitmentModality;
    requestId: string | null;
    de: DePersonalData;
  },
) {
  const { modality, journeyId } = registration;
  const slotTime = firstFreeSlot(state, modality, emission.events);
  emission.emit(
    'fr.passerelle.kairos.RegistrationRecorded',
    {
      ...traineeFields(state, journeyId),
      registrationId: registration.registrationId,
      modalityId: modality.modalityId,
      modalityKind: modality.kind,
      slotTime,
      requestId: registration.requestId,
      de: registration.de,
      status: 'INSCRIT',
      sourceLabel: STATUS_LABELS.INSCRIT,
    },
    journeyId,
  );
  issueInvitation(state, emission, {
    registrationId: registration.registrationId,
    journeyId,
    modality,
    slotTime,
    version: 1,
  });
}
