import type { DocumentBlock, DocumentSpec } from '@passerelle/documents';
import { type ExitReason, statusLabel } from '@passerelle/schemas';
import { type EnrolmentState, type SessionAggregate, traineeOf } from '../domain/state.js';
import { sessionClock } from '../domain/time.js';

/**
 * The documents France Travail pays trainees and OFs on (domain.md F7, E2, E3, E5, E6; the Kairos forms of the
 * seed): the attestation d'entrée en formation, the attestation d'absence / d'abandon en formation and the bilan de
 * fin de formation. Each one exists once its event is recorded, and every word of it is read from the session's
 * aggregate (the offer and the enrolment events), never typed again. The DE's identity is printed — France Travail
 * needs it to pay the trainee — but kept out of the PDF metadata, which names the enrolment and the session only.
 */
export type TrainingDocumentName = 'attestation-entree' | 'attestation-absence-abandon' | 'bilan-fin-formation';

export interface TrainingDocument {
  name: TrainingDocumentName;
  /** The document's title: printed, and the PDF's metadata title. */
  title: string;
  /** What must have been recorded for the document to exist (said in the 404 when it has not). */
  requires: string;
  /** The document's content, or undefined while its event has not happened. */
  render(context: DocumentContext): DocumentSpec | undefined;
}

interface DocumentContext {
  state: SessionAggregate;
  enrolment: EnrolmentState;
  now: Date;
}

export type TrainingDocumentAnswer =
  | { kind: 'unknown-enrolment' }
  | { kind: 'not-issued'; requires: string }
  | { kind: 'issued'; spec: DocumentSpec };

/** The document `name` of an enrolment of this session, as of now. */
export function trainingDocument(
  state: SessionAggregate,
  enrolmentId: string,
  name: TrainingDocumentName,
  now: Date,
): TrainingDocumentAnswer {
  const enrolment = state.enrolments.get(enrolmentId);
  if (!enrolment) return { kind: 'unknown-enrolment' };
  const document = TRAINING_DOCUMENTS.find((candidate) => candidate.name === name) as TrainingDocument;
  const spec = document.render({ state, enrolment, now });
  return spec ? { kind: 'issued', spec } : { kind: 'not-issued', requires: document.requires };
}

/** `YYYY-MM-DD` (or an LHEO partial date) as a French reader writes it. */
export function frenchDate(date: string | null | undefined): string {
  if (!date) return 'non renseignée';
  const [year, month, day] = date.split('-');
  return [day, month, year].filter((part) => part !== undefined).join('/');
}

const EXIT_REASONS: Record<ExitReason, string> = {
  END_OF_TRAINING: 'fin de formation',
  EMPLOYMENT: 'reprise d’emploi',
  OTHER_TRAINING: 'entrée dans une autre formation',
  FORCE_MAJEURE: 'force majeure',
  EXCLUSION: 'exclusion',
  OTHER: 'autre motif',
};

const hours = (value: number) => `${Number.isInteger(value) ? value : value.toFixed(1).replace('.', ',')} h`;

/** The blocks every document starts with: the OF, the session and the trainee as France Travail identifies them. */
function common({ state, enrolment }: DocumentContext): DocumentBlock[] {
  const session = state.session;
  const de = traineeOf(state, enrolment);
  const delivering = (session?.deliveringSirets ?? []).filter((siret) => siret !== session?.responsibleSiret);
  return [
    { kind: 'heading', text: 'Organisme de formation' },
    {
      kind: 'fields',
      rows: [
        ['Raison sociale', session?.organisationName ?? ''],
        ['SIRET responsable', session?.responsibleSiret ?? ''],
        ...(delivering.length > 0 ? [['SIRET dispensateur', delivering.join(', ')] as const] : []),
      ],
    },
    { kind: 'heading', text: 'Formation' },
    {
      kind: 'fields',
      rows: [
        ['Intitulé', session?.title ?? ''],
        ['Session', state.sessionKey],
        ['Période prévue', `du ${frenchDate(session?.start)} au ${frenchDate(session?.end)}`],
      ],
    },
    { kind: 'heading', text: 'Stagiaire' },
    {
      kind: 'fields',
      rows: [
        ['Identifiant France Travail', de?.deIdentifier ?? ''],
        ['Nom', de?.lastName ?? ''],
        ['Prénom', de?.firstName ?? ''],
        ['Inscription Kairos', enrolment.enrolmentId],
      ],
    },
  ];
}

function spec(name: TrainingDocumentName, title: string, context: DocumentContext, blocks: DocumentBlock[]) {
  const { state, enrolment, now } = context;
  return {
    title,
    subtitle: `Établie le ${frenchDate(sessionClock(state, now).date)} par Passerelle (Kairos) pour France Travail`,
    author: 'Passerelle (Kairos)',
    // Ids only: an enrolment and a session are not personal data, and the metadata is what file tools index.
    subject: `${title} — inscription ${enrolment.enrolmentId}, session ${state.sessionKey}`,
    keywords: ['Kairos', 'France Travail', name],
    createdAt: now,
    footer: 'Document contenant des données personnelles — destiné à France Travail et à l’organisme de formation',
    blocks: [...common(context), ...blocks],
  } satisfies DocumentSpec;
}

const attendanceRows = (enrolment: EnrolmentState): Array<readonly [string, string]> => {
  if (enrolment.attendance.length === 0) return [['Assiduité', 'aucune période saisie']];
  const present = enrolment.attendance.reduce((sum, period) => sum + period.presentHours, 0);
  const absent = enrolment.attendance.reduce((sum, period) => sum + period.absentHours, 0);
  return [
    ['Heures de présence', hours(present)],
    ['Heures d’absence', hours(absent)],
  ];
};

const interruptionRows = (enrolment: EnrolmentState): Array<readonly [string, string]> =>
  enrolment.interruptions.map((interruption) => [
    'Interruption',
    `du ${frenchDate(interruption.start)} au ${frenchDate(interruption.end ?? interruption.plannedEnd)}`,
  ]);

const ATTESTATION_ENTREE: TrainingDocument = {
  name: 'attestation-entree',
  title: 'Attestation d’entrée en formation',
  requires: 'the entry (entrée effective)',
  render(context) {
    const { enrolment, state } = context;
    if (enrolment.entryDate === null) return undefined;
    return spec(this.name, this.title, context, [
      {
        kind: 'paragraph',
        text: `L’organisme de formation ${state.session?.organisationName ?? ''} atteste que le stagiaire désigné ci-dessus est entré en formation le ${frenchDate(enrolment.entryDate)}.`,
      },
      {
        kind: 'fields',
        rows: [
          ['Date d’entrée effective', frenchDate(enrolment.entryDate)],
          ['Situation à ce jour', statusLabel(enrolment.status)],
        ],
      },
    ]);
  },
};

const ATTESTATION_ABSENCE_ABANDON: TrainingDocument = {
  name: 'attestation-absence-abandon',
  title: 'Attestation d’absence, d’abandon en formation',
  requires: 'an absence at entry or an abandon',
  render(context) {
    const { enrolment, state } = context;
    const organisation = state.session?.organisationName ?? '';
    if (enrolment.status === 'ABSENT_A_L_ENTREE') {
      const recordedOn = enrolment.absenceAtEntryRecordedAt
        ? frenchDate(sessionClock(state, enrolment.absenceAtEntryRecordedAt).date)
        : 'non renseignée';
      return spec(this.name, this.title, context, [
        {
          kind: 'paragraph',
          text: `L’organisme de formation ${organisation} atteste que le stagiaire désigné ci-dessus ne s’est pas présenté à l’entrée en formation.`,
        },
        {
          kind: 'fields',
          rows: [
            ['Situation', 'Absence à l’entrée en formation'],
            ['Constatée le', recordedOn],
          ],
        },
      ]);
    }
    if (enrolment.status !== 'ABANDON' || enrolment.exit === null) return undefined;
    return spec(this.name, this.title, context, [
      {
        kind: 'paragraph',
        text: `L’organisme de formation ${organisation} atteste que le stagiaire désigné ci-dessus a abandonné la formation le ${frenchDate(enrolment.exit.date)}.`,
      },
      {
        kind: 'fields',
        rows: [
          ['Situation', 'Abandon en cours de formation'],
          ['Date d’entrée effective', frenchDate(enrolment.entryDate)],
          ['Date d’abandon', frenchDate(enrolment.exit.date)],
          ['Motif', enrolment.abandonReason ?? 'non précisé'],
          ...interruptionRows(enrolment),
          ...attendanceRows(enrolment),
        ],
      },
    ]);
  },
};

const BILAN_FIN_FORMATION: TrainingDocument = {
  name: 'bilan-fin-formation',
  title: 'Bilan de fin de formation',
  requires: 'the end-of-training report (bilan)',
  render(context) {
    const { enrolment, state } = context;
    const report = enrolment.report;
    if (report === null) return undefined;
    const end =
      enrolment.status === 'ABANDON'
        ? `abandon le ${frenchDate(enrolment.exit?.date)}`
        : `sortie le ${frenchDate(enrolment.exit?.date)}${enrolment.exit?.reason ? ` (${EXIT_REASONS[enrolment.exit.reason]})` : ''}`;
    const rate = report.completionRate === null ? 'non renseigné' : `${Math.round(report.completionRate * 100)} %`;
    return spec(this.name, this.title, context, [
      { kind: 'heading', text: 'Parcours' },
      {
        kind: 'fields',
        rows: [
          ['Date d’entrée effective', frenchDate(enrolment.entryDate)],
          ['Fin de formation', end],
          ...interruptionRows(enrolment),
          ...attendanceRows(enrolment),
        ],
      },
      { kind: 'heading', text: 'Bilan' },
      {
        kind: 'fields',
        rows: [
          [
            'Réalisation',
            report.completion === 'TOTAL' ? 'totale' : report.completion === 'PARTIAL' ? 'partielle' : 'non précisée',
          ],
          ['Taux de réalisation', rate],
          ['Saisi le', frenchDate(sessionClock(state, report.recordedAt).date)],
        ],
      },
      ...(report.summary ? [{ kind: 'paragraph' as const, text: `Appréciation : ${report.summary}` }] : []),
    ]);
  },
};

export const TRAINING_DOCUMENTS: readonly TrainingDocument[] = [
  ATTESTATION_ENTREE,
  ATTESTATION_ABSENCE_ABANDON,
  BILAN_FIN_FORMATION,
];
