import { statusLabel } from '@passerelle/schemas';
import type { SessionAggregate } from '../domain/state.js';
import { type PdfLine, renderPdf } from './pdf.js';

/**
 * The fiche régionale of a candidate (domain.md G17: its content is not public; ours holds what Kairos knows of the
 * DE on this session): the session, the DE's identity and contacts, the recruitment path (RDV or candidature, with
 * its statuses) and the enrolment. Personal data: served to the session's OF only, never logged.
 * `subjectId` is a registration or a candidature id; undefined when the session has neither.
 */
export function ficheRegionale(state: SessionAggregate, subjectId: string, now: Date): Buffer | undefined {
  const registration = state.registrations.get(subjectId);
  const candidature = state.candidatures.get(subjectId);
  const subject = registration ?? candidature;
  if (!subject) return undefined;
  const session = state.session;
  const modalityId = registration?.modalityId ?? candidature?.windowId ?? '';
  const modality = state.modalities.get(modalityId)?.modality;
  const enrolments = [...state.enrolments.values()].filter((enrolment) => enrolment.journeyId === subject.journeyId);
  const de = subject.de;

  const lines: PdfLine[] = [
    { text: 'Fiche régionale du candidat', size: 16, bold: true },
    { text: `Éditée le ${now.toISOString().slice(0, 10)} par Passerelle (Kairos)`, size: 8 },
    { text: 'Session', size: 12, bold: true, gapBefore: 12 },
    { text: `Formation : ${session?.title ?? '—'}` },
    { text: `Session : ${state.sessionKey}` },
    { text: `Du ${session?.start ?? '?'} au ${session?.end ?? '?'}` },
    { text: `Organisme responsable : ${session?.organisationName ?? ''} (SIRET ${session?.responsibleSiret ?? '—'})` },
    { text: 'Candidat', size: 12, bold: true, gapBefore: 12 },
    { text: `N° DE : ${de.deIdentifier}` },
    { text: `Nom – Prénom : ${de.lastName} ${de.firstName}` },
    { text: `Courriel : ${de.email ?? '—'}    Téléphone : ${de.phone ?? '—'}` },
    { text: 'Recrutement', size: 12, bold: true, gapBefore: 12 },
  ];
  if (registration) {
    lines.push(
      {
        text: `${modality?.kind === 'RDVI' ? 'Rendez-vous individuel' : 'Information collective'} du ${modality?.date ?? '?'} à ${modality?.startTime ?? '?'}${modality?.place ? ` — ${modality.place}` : ''}`,
      },
      {
        text: `Statut : ${statusLabel(registration.status)}    Présence : ${registration.presence ? statusLabel(registration.presence) : '—'}`,
      },
      {
        text: `Origine : ${registration.requestId ? `positionnement ${registration.requestId}` : 'inscription par l’organisme'}`,
      },
    );
    if (registration.result?.reason) lines.push({ text: `Motif : ${registration.result.reason}` });
  } else if (candidature) {
    lines.push(
      { text: `Candidature sur la plage du ${modality?.receptionStart ?? '?'} au ${modality?.receptionEnd ?? '?'}` },
      { text: `Statut : ${statusLabel(candidature.status)}` },
      {
        text: candidature.interview
          ? `Entretien : ${candidature.interview.date}${candidature.interview.time ? ` à ${candidature.interview.time}` : ''} (${candidature.interview.modality})`
          : 'Entretien : non fixé',
      },
    );
  }
  lines.push({ text: 'Formation', size: 12, bold: true, gapBefore: 12 });
  if (enrolments.length === 0) lines.push({ text: 'Pas d’inscription en formation.' });
  for (const enrolment of enrolments) {
    lines.push({ text: `Inscription ${enrolment.enrolmentId} : ${statusLabel(enrolment.status)}` });
    if (enrolment.entryDate) lines.push({ text: `Entrée effective le ${enrolment.entryDate}` });
    for (const interruption of enrolment.interruptions)
      lines.push({
        text: `Interruption du ${interruption.start} au ${interruption.end ?? interruption.plannedEnd ?? '?'}`,
      });
    if (enrolment.exit)
      lines.push({
        text: `Sortie le ${enrolment.exit.date}${enrolment.exit.reason ? ` (${enrolment.exit.reason})` : ''}`,
      });
  }
  return renderPdf(lines, { title: `Fiche régionale — ${de.lastName} ${de.firstName}` });
}
