import { DE_IDENTIFIER_INPUT } from '@passerelle/schemas';

/** JSON Schemas of the API's inputs: fastify validates requests with them and the OpenAPI document shows them. */

export const date = {
  type: 'string',
  pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$',
  description: 'YYYY-MM-DD',
} as const;
export const time = {
  type: 'string',
  pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
  description: 'HH:MM, Europe/Paris',
} as const;
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const id = text(200);

export const de = {
  type: 'object',
  description: 'The DE (personal data: never logged, never in keys).',
  additionalProperties: false,
  required: ['deIdentifier', 'lastName', 'firstName'],
  properties: {
    deIdentifier: { type: 'string', pattern: DE_IDENTIFIER_INPUT.source, description: 'France Travail identifier' },
    lastName: text(100),
    firstName: text(100),
    email: { type: ['string', 'null'], maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' },
    phone: { type: ['string', 'null'], maxLength: 30, pattern: '^[+0-9 .()-]{6,30}$' },
  },
} as const;

const presence = { type: 'string', enum: ['PRESENT', 'ABSENT'] } as const;
const nonRetenuReason = {
  type: 'string',
  enum: ['NO_SHOW', 'UNREACHABLE', 'NOT_ELIGIBLE', 'PREREQUISITES_NOT_MET', 'NO_PLACE', 'CANDIDATE_DECLINED', 'OTHER'],
} as const;
const interviewModality = { type: 'string', enum: ['IN_PERSON', 'PHONE', 'VIDEO', 'EMAIL', 'OTHER'] } as const;
const interview = {
  type: 'object',
  additionalProperties: false,
  required: ['date', 'modality'],
  properties: { date, time, modality: interviewModality },
} as const;

const modalityFields = {
  date,
  startTime: time,
  endTime: time,
  place: text(500),
  remoteLink: { type: 'string', maxLength: 2000, pattern: '^https://' },
  capacity: { type: 'integer', minimum: 1, maximum: 10_000 },
  slotMinutes: { type: 'integer', minimum: 5, maximum: 480 },
  receptionStart: date,
  receptionEnd: date,
  comment: text(2000),
  whatToBring: text(1000),
} as const;

const object = (properties: Record<string, unknown>, required: readonly string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
});

export const bodies = {
  scheduleModality: object(
    { kind: { type: 'string', enum: ['ICO', 'RDVI', 'CANDIDATURE_WINDOW'] }, ...modalityFields },
    ['kind'],
  ),
  modifyModality: { ...object(modalityFields), minProperties: 1 },
  duplicateModality: object({ date, startTime: modalityFields.startTime, endTime: modalityFields.endTime }),
  deleteModality: object({
    reason: text(500),
    // One object rather than oneOf: fastify's ajv removes additional properties while trying each branch.
    registrants: object(
      {
        action: { type: 'string', enum: ['cancel', 'transfer'] },
        toModalityId: { ...id, description: 'The ICO/RDVI receiving the registrants (action transfer)' },
      },
      ['action'],
    ),
  }),
  adjustWindow: {
    ...object({ receptionStart: date, receptionEnd: date, capacity: modalityFields.capacity }),
    minProperties: 1,
  },
  register: object({ de }, ['de']),
  cancelRegistration: object({ reason: text(500) }),
  transfer: object({ toModalityId: id }, ['toModalityId']),
  presence: object({ presence }, ['presence']),
  recruitmentResult: object(
    {
      result: { type: 'string', enum: ['RETENU', 'RETENU_EN_ATTENTE', 'NON_RETENU'] },
      reason: nonRetenuReason,
      comment: text(2000),
    },
    ['result'],
  ),
  waitlist: object({ decision: { type: 'string', enum: ['RETENU', 'REFUSE_APRES_ATTENTE'] }, reason: text(500) }, [
    'decision',
  ]),
  contact: object({ outcome: { type: 'string', enum: ['CONTACTE', 'INJOIGNABLE', 'REFUS_CANDIDAT'] }, interview }, [
    'outcome',
  ]),
  interview,
  interviewPresence: object({ presence }, ['presence']),
  candidatureResult: object(
    { result: { type: 'string', enum: ['RETENU', 'NON_RETENU'] }, reason: nonRetenuReason, comment: text(2000) },
    ['result'],
  ),
  propose: object({ de }, ['de']),
  entry: object({ entryDate: date }, ['entryDate']),
  correctEntry: object({ entryDate: date, reason: text(500) }, ['entryDate', 'reason']),
  empty: object({}),
  interruption: object({ start: date, end: date, reason: text(500) }, ['start', 'end']),
  endInterruption: object({ end: date }, ['end']),
  attendance: object(
    {
      from: date,
      to: date,
      presentHours: { type: 'number', minimum: 0, maximum: 2000 },
      absentHours: { type: 'number', minimum: 0, maximum: 2000 },
    },
    ['from', 'to', 'presentHours', 'absentHours'],
  ),
  abandon: object({ date, reason: text(500) }, ['date']),
  exit: object(
    {
      date,
      reason: {
        type: 'string',
        enum: ['END_OF_TRAINING', 'EMPLOYMENT', 'OTHER_TRAINING', 'FORCE_MAJEURE', 'EXCLUSION', 'OTHER'],
      },
    },
    ['date', 'reason'],
  ),
  report: object(
    {
      completion: { type: 'string', enum: ['TOTAL', 'PARTIAL'] },
      completionRate: { type: 'number', minimum: 0, maximum: 1 },
      summary: text(4000),
    },
    ['completion'],
  ),
  cancelEnrolment: object({ reason: text(500) }),
  draftQuote: object(
    {
      de,
      amountCents: {
        type: 'integer',
        minimum: 1,
        maximum: 100_000_000,
        description: 'The amount asked, in euro cents (345000 = 3 450,00 €)',
      },
      hours: { type: 'integer', minimum: 1, maximum: 5000, description: 'Training hours the quote covers' },
      funderCode: { type: 'string', pattern: '^[0-9A-Za-z]{1,10}$', description: 'LHEO code-financeur' },
    },
    ['de', 'amountCents', 'hours', 'funderCode'],
  ),
  cancelQuote: object({ reason: text(500) }),
  quoteDecision: object(
    {
      decision: { type: 'string', enum: ['VALIDE', 'REFUSE'] },
      reason: { ...text(1000), description: 'Required when refused; a comment when validated' },
    },
    ['decision'],
  ),
  correspondent: {
    ...object(
      {
        name: { ...text(200), pattern: '\\S', description: 'Nom et prénom (OF staff: never logged)' },
        phone: { type: 'string', maxLength: 30, pattern: '^[+0-9 .()-]{6,30}$' },
        email: { type: 'string', maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' },
      },
      ['name'],
    ),
    description: 'The correspondant de la formation: an OF staff contact, not a DE.',
  },
} as const;
