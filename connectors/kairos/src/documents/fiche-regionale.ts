import type { DocumentBlock, DocumentSpec } from '@passerelle/documents';
import { statusLabel } from '@passerelle/schemas';
import type { SessionAggregate } from '../domain/state.js';

/**
 * The fiche régionale of a candidate (domain.md G17: its content is not public; ours holds what Kairos knows of the
 * DE on this session): the session, the DE's identity and contacts, the recruitment path (RDV or candidature, with
 * its statuses) and the enrolment. Personal data: served to the session's OF only, never logged, and kept out of the
 * PDF's metadata (the title names the subject id, not the DE).
 * `subjectId` is a registration or a candidature id; undefined when the session has neither.
 */
export function ficheRegionale(state: SessionAggregate, subjectId: string, now: Date): DocumentSpec | undefined {
  const registration = state.registrations.get(subjectId);
  const candidature = state.candidatures.get(subjectId);
  const subject = registration ?? candidature;
  if (!subject) return undefined;
  const session = state.session;
  const modalityId = registration?.modalityId ?? candidature?.windowId ?? '';
  const modality = state.modalities.get(modalityId)?.modality;
  const enrolments = [...state.enrolments.values()].filter((enrolment) => enrolment.journeyId === subject.journeyId);
  const de = subject.de;

  const recruitment: Array<readonly [string, string]> = [];
  if (registration) {
    const kind = modality?.kind === 'RDVI' ? 'Rendez-vous individuel' : 'Information collective';
    recruitment.push(
      [
        kind,
        `le ${modality?.date ?? '?'} à ${modality?.startTime ?? '?'}${modality?.place ? ` — ${modality.place}` : ''}`,
      ],
      ['Statut', statusLabel(registration.status)],
      ['Présence', registration.presence ? statusLabel(registration.presence) : '—'],
      ['Origine', registration.requestId ? `positionnement ${registration.requestId}` : 'inscription par l’organisme'],
    );
    if (registration.result?.reason) recruitment.push(['Motif', registration.result.reason]);
  } else if (candidature) {
    const interview = candidature.interview;
    recruitment.push(
      ['Plage de candidature', `du ${modality?.receptionStart ?? '?'} au ${modality?.receptionEnd ?? '?'}`],
      ['Statut', statusLabel(candidature.status)],
      [
        'Entretien',
        interview
          ? `${interview.date}${interview.time ? ` à ${interview.time}` : ''} (${interview.modality})`
          : 'non fixé',
      ],
    );
  }

  const training: DocumentBlock[] =
    enrolments.length === 0
      ? [{ kind: 'paragraph', text: 'Pas d’inscription en formation.' }]
      : enrolments.map((enrolment) => ({
          kind: 'fields',
          rows: [
            [`Inscription ${enrolment.enrolmentId}`, statusLabel(enrolment.status)],
            ...(enrolment.entryDate ? [['Entrée effective', `le ${enrolment.entryDate}`] as const] : []),
            ...enrolment.interruptions.map(
              (interruption) =>
                [
                  'Interruption',
                  `du ${interruption.start} au ${interruption.end ?? interruption.plannedEnd ?? '?'}`,
                ] as const,
            ),
            ...(enrolment.exit
              ? [
                  [
                    'Sortie',
                    `le ${enrolment.exit.date}${enrolment.exit.reason ? ` (${enrolment.exit.reason})` : ''}`,
                  ] as const,
                ]
              : []),
          ],
        }));

  return {
    title: 'Fiche régionale du candidat',
    subtitle: `Éditée le ${now.toISOString().slice(0, 10)} par Passerelle (Kairos) — ${subjectId}`,
    author: 'Passerelle (Kairos)',
    subject: `Fiche régionale ${subjectId}`,
    createdAt: now,
    footer: 'Document contenant des données personnelles — réservé à l’organisme de formation de la session',
    blocks: [
      { kind: 'heading', text: 'Session' },
      {
        kind: 'fields',
        rows: [
          ['Formation', session?.title ?? '—'],
          ['Session', state.sessionKey],
          ['Période', `du ${session?.start ?? '?'} au ${session?.end ?? '?'}`],
          ['Organisme responsable', `${session?.organisationName ?? ''} (SIRET ${session?.responsibleSiret ?? '—'})`],
        ],
      },
      { kind: 'heading', text: 'Candidat' },
      {
        kind: 'fields',
        rows: [
          ['N° DE', de.deIdentifier],
          ['Nom – Prénom', `${de.lastName} ${de.firstName}`],
          ['Courriel', de.email ?? '—'],
          ['Téléphone', de.phone ?? '—'],
        ],
      },
      { kind: 'heading', text: 'Recrutement' },
      { kind: 'fields', rows: recruitment },
      { kind: 'heading', text: 'Formation' },
      ...training,
    ],
  };
}
