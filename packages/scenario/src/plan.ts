/**
 * The journeys the scenario plays: twelve paths through recruitment, selection and training that together touch
 * every act of the seed — prescription and self-registration, presence and absence, results with waitlists and
 * transfers, RDV cancelled, a full ICO, a withdrawn prescription, candidature follow-up and interviews, entries,
 * absence at entry, interruptions, attendance, abandon, exit, an AIF-funded entry. Trainee i of a session takes path i: a session
 * holds one trainee per path, so each session fills its small ICO exactly and refuses the next.
 */

/** Where the positioning comes from: a prescriber in Ouiform, or the DE himself from a channel. */
export type Origin = 'OUIFORM' | 'MA_FORMATION' | 'TMF';

/** Which of the session's modalities the trainee is positioned on. */
export type Target = 'ICO_A' | 'ICO_B' | 'ICO_SMALL' | 'RDVI' | 'WINDOW';

export type Step =
  | { act: 'withdraw' }
  | { act: 'cancel-appointment' }
  | { act: 'transfer'; to: Target }
  | { act: 'presence'; presence: 'PRESENT' | 'ABSENT' }
  | { act: 'result'; result: 'RETENU' | 'RETENU_EN_ATTENTE' | 'NON_RETENU'; reason?: string }
  | { act: 'waitlist'; decision: 'RETENU' | 'REFUSE_APRES_ATTENTE' }
  | { act: 'contact'; outcome: 'CONTACTE' | 'INJOIGNABLE' | 'REFUS_CANDIDAT'; interview?: boolean }
  | { act: 'interview-presence'; presence: 'PRESENT' | 'ABSENT' }
  | { act: 'candidature-result'; result: 'RETENU' | 'NON_RETENU' }
  // The OF drafts and sends an AIF quote, the France Travail adviser validates it (issue 15): the entry follows it.
  | { act: 'aif-quote' }
  | { act: 'entry' }
  | { act: 'absence-at-entry' }
  | { act: 'interruption' }
  | { act: 'attendance' }
  | { act: 'abandon' }
  | { act: 'exit' }
  | { act: 'report' };

export interface Path {
  name: string;
  origin: Origin;
  target: Target;
  /** What the positioning request gets from Kairos. */
  decision: 'ACCEPTED' | 'REFUSED';
  /** Acts before the appointment time (it must still be in the future). */
  before: Step[];
  /** Acts once the appointment has taken place, then on the enrolment. */
  after: Step[];
  /** The canonical status the journey must end in (domain.md G1). */
  expected: string;
}

export const PATHS: readonly Path[] = [
  {
    name: 'retained, trained, exited',
    origin: 'OUIFORM',
    target: 'ICO_A',
    decision: 'ACCEPTED',
    before: [],
    after: [
      { act: 'presence', presence: 'PRESENT' },
      { act: 'result', result: 'RETENU' },
      { act: 'entry' },
      { act: 'attendance' },
      { act: 'exit' },
      { act: 'report' },
    ],
    expected: 'SORTI',
  },
  {
    name: 'self-registered from the app, retained, interrupted',
    origin: 'MA_FORMATION',
    target: 'ICO_A',
    decision: 'ACCEPTED',
    before: [],
    after: [
      { act: 'presence', presence: 'PRESENT' },
      { act: 'result', result: 'RETENU' },
      { act: 'entry' },
      { act: 'interruption' },
    ],
    expected: 'EN_INTERRUPTION',
  },
  {
    name: 'absent at the information collective',
    origin: 'OUIFORM',
    target: 'ICO_A',
    decision: 'ACCEPTED',
    before: [],
    after: [{ act: 'presence', presence: 'ABSENT' }],
    expected: 'ABSENT',
  },
  {
    name: 'present, not retained',
    origin: 'OUIFORM',
    target: 'ICO_A',
    decision: 'ACCEPTED',
    before: [],
    after: [
      { act: 'presence', presence: 'PRESENT' },
      { act: 'result', result: 'NON_RETENU', reason: 'PREREQUISITES_NOT_MET' },
    ],
    expected: 'NON_RETENU',
  },
  {
    name: 'waitlisted, then retained, AIF-funded and entered',
    origin: 'OUIFORM',
    target: 'ICO_B',
    decision: 'ACCEPTED',
    before: [],
    after: [
      { act: 'presence', presence: 'PRESENT' },
      { act: 'result', result: 'RETENU_EN_ATTENTE' },
      { act: 'waitlist', decision: 'RETENU' },
      { act: 'aif-quote' },
      { act: 'entry' },
    ],
    expected: 'ENTRE_EN_FORMATION',
  },
  {
    name: 'transferred to another ICO, retained, absent at entry',
    origin: 'OUIFORM',
    target: 'ICO_A',
    decision: 'ACCEPTED',
    before: [{ act: 'transfer', to: 'ICO_B' }],
    after: [{ act: 'presence', presence: 'PRESENT' }, { act: 'result', result: 'RETENU' }, { act: 'absence-at-entry' }],
    expected: 'ABSENT_A_L_ENTREE',
  },
  {
    name: 'candidature: contacted, interviewed, retained, abandoned',
    origin: 'OUIFORM',
    target: 'WINDOW',
    decision: 'ACCEPTED',
    before: [{ act: 'contact', outcome: 'CONTACTE', interview: true }],
    after: [
      { act: 'interview-presence', presence: 'PRESENT' },
      { act: 'candidature-result', result: 'RETENU' },
      { act: 'entry' },
      { act: 'abandon' },
    ],
    expected: 'ABANDON',
  },
  {
    name: 'contact request from Trouver ma formation, unreachable',
    origin: 'TMF',
    target: 'WINDOW',
    decision: 'ACCEPTED',
    before: [{ act: 'contact', outcome: 'INJOIGNABLE' }],
    after: [],
    expected: 'INJOIGNABLE',
  },
  {
    name: 'prescription withdrawn by the prescriber',
    origin: 'OUIFORM',
    target: 'ICO_A',
    decision: 'ACCEPTED',
    before: [{ act: 'withdraw' }],
    after: [],
    // Kairos cancels the registration the withdrawn prescription had made: the journey ends "RDV annulé", its
    // timeline showing the withdrawal ("Positionnement retiré") that caused it.
    expected: 'RDV_ANNULE',
  },
  {
    name: 'individual appointment, waitlisted, then refused',
    origin: 'OUIFORM',
    target: 'RDVI',
    decision: 'ACCEPTED',
    before: [],
    after: [
      { act: 'presence', presence: 'PRESENT' },
      { act: 'result', result: 'RETENU_EN_ATTENTE' },
      { act: 'waitlist', decision: 'REFUSE_APRES_ATTENTE' },
    ],
    expected: 'REFUSE_APRES_ATTENTE',
  },
  {
    name: 'the last place of the small ICO, then RDV cancelled by the OF',
    origin: 'OUIFORM',
    target: 'ICO_SMALL',
    decision: 'ACCEPTED',
    before: [{ act: 'cancel-appointment' }],
    after: [],
    expected: 'RDV_ANNULE',
  },
  {
    name: 'the small ICO is full: refused',
    origin: 'OUIFORM',
    target: 'ICO_SMALL',
    decision: 'REFUSED',
    before: [],
    after: [],
    expected: 'REFUSE',
  },
];

/** Trainees per session: one per path. */
export const TRAINEES_PER_SESSION = PATHS.length;

export interface PlannedTrainee {
  /** Stable across runs of the same size: `T0001`… */
  id: string;
  index: number;
  session: number;
  path: Path;
  /** A synthetic France Travail identifier (personal data: never logged, never in keys). */
  deIdentifier: string;
  lastName: string;
  firstName: string;
}

const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'];
const FIRST_NAMES = ['Camille', 'Léa', 'Hugo', 'Inès', 'Lucas', 'Chloé', 'Nathan', 'Manon', 'Théo', 'Zoé', 'Jules'];

/** `trainees` trainees over ⌈trainees / 12⌉ sessions, the runId making identifiers unique to this run. */
export function planTrainees(trainees: number, runId: string): PlannedTrainee[] {
  return Array.from({ length: trainees }, (_, index) => {
    const path = PATHS[index % PATHS.length] as Path;
    return {
      id: `T${String(index + 1).padStart(4, '0')}`,
      index,
      session: Math.floor(index / PATHS.length),
      path,
      deIdentifier: `${runId}${String(index).padStart(5, '0')}`.slice(-11).padStart(8, '0'),
      lastName: LAST_NAMES[index % LAST_NAMES.length] as string,
      firstName: FIRST_NAMES[index % FIRST_NAMES.length] as string,
    };
  });
}

export const sessionsFor = (trainees: number) => Math.ceil(trainees / PATHS.length);

/**
 * The training documents France Travail pays on (Kairos's attestations and bilan), one per act that issues one:
 * the summary counts what the OF downloaded of each.
 */
export const DOCUMENT_OF_STEP = {
  entry: 'attestationEntree',
  'absence-at-entry': 'attestationAbsence',
  abandon: 'attestationAbandon',
  report: 'bilanFinFormation',
} as const satisfies Partial<Record<Step['act'], string>>;

export type TrainingDocumentKind = (typeof DOCUMENT_OF_STEP)[keyof typeof DOCUMENT_OF_STEP];

/** The documents a trainee on `path` must end up with. */
export const documentsOf = (path: Path): TrainingDocumentKind[] =>
  path.after.flatMap((step) =>
    step.act in DOCUMENT_OF_STEP ? [DOCUMENT_OF_STEP[step.act as keyof typeof DOCUMENT_OF_STEP]] : [],
  );
