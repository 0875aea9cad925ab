import { statusLabel } from '@passerelle/schemas';
import { missingEntry } from '@passerelle/schemas/deadlines';
import {
  type EnrolmentState,
  modalityCounters,
  type RegistrationState,
  type SessionAggregate,
  trainingPlaces,
} from '../domain/state.js';
import { sessionClock } from '../domain/time.js';

/** Read views over a session's aggregate: what the Kairos screens show. Personal data only where a screen shows it. */

export const canSee = (state: SessionAggregate | undefined, sirets: readonly string[]) =>
  state?.session !== undefined &&
  sirets.some(
    (siret) => siret === state.session?.responsibleSiret || (state.session?.deliveringSirets.includes(siret) ?? false),
  );

export function sessionView(state: SessionAggregate) {
  const session = state.session;
  const places = trainingPlaces(state);
  return {
    sessionKey: state.sessionKey,
    title: session?.title ?? null,
    start: session?.start ?? null,
    end: session?.end ?? null,
    recruitmentState: session?.recruitmentState ?? 'UNKNOWN',
    withdrawn: session?.withdrawn ?? false,
    responsibleSiret: session?.responsibleSiret ?? null,
    correspondent: state.correspondent,
    training: {
      capacity: places.capacity,
      enrolled: places.enrolled,
      placesLeft: places.capacity === null ? null : Math.max(0, places.capacity - places.enrolled),
    },
    modalities: [...state.modalities.values()].map(({ modality, cancelled }) => ({
      ...modality,
      cancelled,
      ...modalityCounters(state, modality.modalityId),
    })),
  };
}

const registrantRow = (registration: RegistrationState) => ({
  registrationId: registration.registrationId,
  journeyId: registration.journeyId,
  deIdentifier: registration.de.deIdentifier,
  lastName: registration.de.lastName,
  firstName: registration.de.firstName,
  presence: registration.presence,
  result: ['RETENU', 'RETENU_EN_ATTENTE', 'NON_RETENU', 'REFUSE_APRES_ATTENTE'].includes(registration.status)
    ? registration.status
    : null,
  status: registration.status,
  statusLabel: statusLabel(registration.status),
  requestId: registration.requestId,
});

/** The registrant list of an ICO/RDVI (Inscrits en info coll), or the candidates of a window (KNG list). */
export function registrantList(state: SessionAggregate, modalityId: string) {
  const entry = state.modalities.get(modalityId);
  if (!entry) return undefined;
  const counters = modalityCounters(state, modalityId);
  if (entry.modality.kind === 'CANDIDATURE_WINDOW') {
    const candidates = [...state.candidatures.values()]
      .filter((candidature) => candidature.windowId === modalityId)
      .map((candidature) => ({
        candidatureId: candidature.candidatureId,
        journeyId: candidature.journeyId,
        deIdentifier: candidature.de.deIdentifier,
        lastName: candidature.de.lastName,
        firstName: candidature.de.firstName,
        status: candidature.status,
        statusLabel: statusLabel(candidature.status),
        interview: candidature.interview,
        requestId: candidature.requestId,
      }));
    return { modality: { ...entry.modality, cancelled: entry.cancelled }, ...counters, candidatures: candidates };
  }
  const registrants = [...state.registrations.values()]
    .filter((registration) => registration.modalityId === modalityId)
    .map(registrantRow);
  return { modality: { ...entry.modality, cancelled: entry.cancelled }, ...counters, registrants };
}

/** A CSV cell: quoted, and neutralised when a spreadsheet would read it as a formula. */
function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/**
 * "Exporter tout le tableau": the registrant list as CSV — the Kairos columns (N° DE, Nom – Prénom, Présence,
 * Résultat, Statut), `;`-separated with a UTF-8 BOM so French spreadsheets open it as is.
 */
export function registrantCsv(list: NonNullable<ReturnType<typeof registrantList>>): string {
  const lines: string[] = [];
  if ('registrants' in list) {
    lines.push(['N° DE', 'Nom – Prénom', 'Présence', 'Résultat', 'Statut'].map(cell).join(';'));
    for (const row of list.registrants ?? [])
      lines.push(
        [
          row.deIdentifier,
          `${row.lastName} ${row.firstName}`,
          row.presence === 'PRESENT' ? 'Présent' : row.presence === 'ABSENT' ? 'Absent' : '',
          row.result ? statusLabel(row.result) : '',
          row.statusLabel,
        ]
          .map(cell)
          .join(';'),
      );
  } else {
    lines.push(['Identifiant', 'Candidat', 'Prise de contact / Résultat', 'Entretien'].map(cell).join(';'));
    for (const row of list.candidatures ?? [])
      lines.push(
        [row.deIdentifier, `${row.lastName} ${row.firstName}`, row.statusLabel, row.interview?.date ?? '']
          .map(cell)
          .join(';'),
      );
  }
  lines.push(
    [`Places disponibles: ${list.placesAvailable}`, `Mises en attente: ${list.waitlisted}`, '', '', '']
      .map(cell)
      .join(';'),
  );
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export const enrolmentRow = (enrolment: EnrolmentState) => ({
  enrolmentId: enrolment.enrolmentId,
  journeyId: enrolment.journeyId,
  deIdentifier: enrolment.de?.deIdentifier ?? null,
  lastName: enrolment.de?.lastName ?? null,
  firstName: enrolment.de?.firstName ?? null,
  origin: enrolment.origin,
  status: enrolment.status,
  statusLabel: statusLabel(enrolment.status),
  entryDate: enrolment.entryDate,
  interruptions: enrolment.interruptions,
  attendance: enrolment.attendance,
  exit: enrolment.exit,
  reportRecorded: enrolment.reportRecorded,
});

const appointmentPast = (date: string | null, time: string | null, stamp: string) =>
  date !== null && `${date} ${time ?? '00:00'}` <= stamp;

/** A session has started when today is on or after its (possibly partial) start date. */
const started = (start: string | null, today: string) => start !== null && today.slice(0, start.length) >= start;

/**
 * The Kairos dashboards (domain.md §d.6) over the OF's sessions. Working definitions (the public sources give only
 * the names): sessions with their counters; each RDV with its registrants' progress; the DEs registered or enrolled;
 * files under watch — an enrolled DE whose entry is not entered once the session started (RETAINED_NO_ENTRY), then
 * not declared three working days later (ENTRY_NOT_DECLARED: `missingEntry`, the rule the journey service reads
 * too), a DE still waitlisted when the session starts within 7 days, a past RDV without presence or result, a
 * candidate unreachable after the window closed.
 */
export function pilotage(states: readonly SessionAggregate[], now: Date) {
  const sessions = states.map((state) => {
    const registrations = [...state.registrations.values()];
    const enrolments = [...state.enrolments.values()];
    return {
      ...sessionSummary(state),
      registrants: registrations.filter((r) => r.status !== 'RDV_ANNULE' && r.status !== 'TRANSFERE').length,
      retained: registrations.filter((r) => r.status === 'RETENU').length,
      waitlisted: registrations.filter((r) => r.status === 'RETENU_EN_ATTENTE').length,
      candidatures: state.candidatures.size,
      enrolled: enrolments.filter((e) => e.status === 'INSCRIT_EN_FORMATION').length,
      entered: enrolments.filter((e) => e.status === 'ENTRE_EN_FORMATION' || e.status === 'EN_INTERRUPTION').length,
    };
  });
  const sessionsByRdv = states.flatMap((state) =>
    [...state.modalities.values()]
      .filter(({ modality }) => modality.kind !== 'CANDIDATURE_WINDOW')
      .map(({ modality, cancelled }) => {
        const registrations = [...state.registrations.values()].filter((r) => r.modalityId === modality.modalityId);
        return {
          sessionKey: state.sessionKey,
          modalityId: modality.modalityId,
          kind: modality.kind,
          date: modality.date,
          startTime: modality.startTime,
          cancelled,
          ...modalityCounters(state, modality.modalityId),
          presencesToEnter: registrations.filter((r) => r.status === 'INSCRIT').length,
          resultsToEnter: registrations.filter((r) => r.status === 'PRESENT').length,
        };
      }),
  );
  const registrants = states.flatMap((state) => [
    ...[...state.registrations.values()].map((r) => ({ sessionKey: state.sessionKey, ...registrantRow(r) })),
    ...[...state.enrolments.values()].map((e) => ({
      sessionKey: state.sessionKey,
      enrolmentId: e.enrolmentId,
      journeyId: e.journeyId,
      deIdentifier: e.de?.deIdentifier ?? null,
      lastName: e.de?.lastName ?? null,
      firstName: e.de?.firstName ?? null,
      status: e.status,
      statusLabel: statusLabel(e.status),
    })),
  ]);
  const inAWeekInstant = new Date(now.getTime() + 7 * 24 * 3600_000);
  const filesUnderWatch = states.flatMap((state) => {
    const clock = sessionClock(state, now);
    const inAWeek = sessionClock(state, inAWeekInstant).date;
    const start = state.session?.start ?? null;
    const watch: { sessionKey: string; journeyId: string; reason: string; id: string }[] = [];
    for (const enrolment of state.enrolments.values()) {
      if (enrolment.status !== 'INSCRIT_EN_FORMATION') continue;
      // The one missing-entry rule, shared with the journey service's files under watch.
      const missing = missingEntry(
        start,
        sessionClock(state, enrolment.openedAt).date,
        now.getTime(),
        state.session?.timeZone,
      );
      if (missing?.code)
        watch.push({
          sessionKey: state.sessionKey,
          journeyId: enrolment.journeyId,
          id: enrolment.enrolmentId,
          reason: missing.code,
        });
    }
    for (const registration of state.registrations.values()) {
      const modality = state.modalities.get(registration.modalityId)?.modality;
      if (registration.status === 'RETENU_EN_ATTENTE' && start !== null && inAWeek.slice(0, start.length) >= start)
        watch.push({
          sessionKey: state.sessionKey,
          journeyId: registration.journeyId,
          id: registration.registrationId,
          reason: 'WAITLISTED_NEAR_START',
        });
      if (
        (registration.status === 'INSCRIT' || registration.status === 'PRESENT') &&
        appointmentPast(modality?.date ?? null, modality?.startTime ?? null, clock.stamp)
      )
        watch.push({
          sessionKey: state.sessionKey,
          journeyId: registration.journeyId,
          id: registration.registrationId,
          reason: 'MISSING_PRESENCE_OR_RESULT',
        });
    }
    for (const candidature of state.candidatures.values()) {
      const window = state.modalities.get(candidature.windowId)?.modality;
      if (candidature.status === 'INJOIGNABLE' && window?.receptionEnd && window.receptionEnd < clock.date)
        watch.push({
          sessionKey: state.sessionKey,
          journeyId: candidature.journeyId,
          id: candidature.candidatureId,
          reason: 'UNREACHABLE_AFTER_WINDOW',
        });
    }
    return watch;
  });
  return { sessions, sessionsByRdv, registrants, filesUnderWatch };
}

const sessionSummary = (state: SessionAggregate) => ({
  sessionKey: state.sessionKey,
  title: state.session?.title ?? null,
  start: state.session?.start ?? null,
  end: state.session?.end ?? null,
  withdrawn: state.session?.withdrawn ?? false,
  ...trainingPlaces(state),
});

/** Tableau des actions: what the OF still has to enter. */
export function actionBoard(states: readonly SessionAggregate[], now: Date) {
  const clockOf = (state: SessionAggregate) => sessionClock(state, now);
  const sessionsAwaitingEntry = states
    .filter((state) => started(state.session?.start ?? null, clockOf(state).date))
    .map((state) => ({
      ...sessionSummary(state),
      awaitingEntry: [...state.enrolments.values()].filter((e) => e.status === 'INSCRIT_EN_FORMATION').length,
    }))
    .filter((row) => row.awaitingEntry > 0);
  const rdvAwaitingInput = states.flatMap((state) =>
    [...state.modalities.values()]
      .filter(
        ({ modality, cancelled }) =>
          !cancelled &&
          modality.kind !== 'CANDIDATURE_WINDOW' &&
          appointmentPast(modality.date, modality.startTime, clockOf(state).stamp),
      )
      .map(({ modality }) => {
        const registrations = [...state.registrations.values()].filter((r) => r.modalityId === modality.modalityId);
        return {
          sessionKey: state.sessionKey,
          modalityId: modality.modalityId,
          kind: modality.kind,
          date: modality.date,
          startTime: modality.startTime,
          presencesToEnter: registrations.filter((r) => r.status === 'INSCRIT').length,
          resultsToEnter: registrations.filter((r) => r.status === 'PRESENT').length,
        };
      })
      .filter((row) => row.presencesToEnter + row.resultsToEnter > 0),
  );
  const sessionsWithFutureRdv = states
    .map((state) => ({
      ...sessionSummary(state),
      futureRdv: [...state.modalities.values()].filter(
        ({ modality, cancelled }) =>
          !cancelled &&
          modality.kind !== 'CANDIDATURE_WINDOW' &&
          !appointmentPast(modality.date, modality.startTime, clockOf(state).stamp),
      ).length,
    }))
    .filter((row) => row.futureRdv > 0);
  return { sessionsAwaitingEntry, rdvAwaitingInput, sessionsWithFutureRdv };
}
