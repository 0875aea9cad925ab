import { DE, Script } from './builder.js';

// The Kairos events of the journey tests, as their bodies say them (split by subject, they share these).

export const presence = (registrationId: string, value: 'PRESENT' | 'ABSENT') => ({
  registrationId,
  presence: value,
  status: value,
  sourceLabel: value === 'PRESENT' ? 'Présent' : 'Absent',
});
export const result = (
  registrationId: string,
  value: 'RETENU' | 'RETENU_EN_ATTENTE' | 'NON_RETENU',
  label: string,
) => ({
  registrationId,
  result: value,
  refusalReason: null,
  comment: null,
  status: value,
  sourceLabel: label,
});
export const opened = (enrolmentId: string, origin: string, originId: string | null) => ({
  enrolmentId,
  origin,
  originId,
  de: origin === 'DIRECT_PROPOSAL' ? DE : null,
  status: 'INSCRIT_EN_FORMATION',
  sourceLabel: 'Inscrit en formation',
});
export const enrolmentAct = (
  enrolmentId: string,
  status: string,
  label: string,
  extra: Record<string, unknown> = {},
) => ({
  enrolmentId,
  status,
  sourceLabel: label,
  ...extra,
});

/** Request → ICO registration → present → retained → enrolled: the usual way into training. */
export const retained = () =>
  new Script()
    .offer('2026-04-06', '2026-07-10')
    .requested('REQ-1')
    .registered('REG-1', 'REQ-1')
    .kairos('PresenceRecorded', presence('REG-1', 'PRESENT'))
    .kairos('RecruitmentResultRecorded', result('REG-1', 'RETENU', 'Retenu'))
    .kairos('EnrolmentOpened', opened('ENR-1', 'RECRUITMENT_RESULT', 'REG-1'));

export const entered = () =>
  retained()
    .on('2026-04-07T08:00:00Z')
    .kairos(
      'EntryRecorded',
      enrolmentAct('ENR-1', 'ENTRE_EN_FORMATION', 'Entrée effective', { entryDate: '2026-04-07' }),
    );

export const candidate = () =>
  new Script().offer('2026-04-06', '2026-07-10').requested('REQ-C', 'WIN-1').kairos('CandidatureReceived', {
    candidatureId: 'CAND-1',
    windowId: 'WIN-1',
    requestId: 'REQ-C',
    de: DE,
    status: 'CANDIDATURE_RECUE',
    sourceLabel: 'À contacter',
  });
export const contact = (outcome: string, label: string) => ({
  candidatureId: 'CAND-1',
  outcome,
  status: outcome,
  sourceLabel: label,
});
export const interview = { candidatureId: 'CAND-1', date: '2026-03-20', time: '10:00', modality: 'PHONE' };
export const interviewPresence = (value: 'PRESENT' | 'ABSENT') => ({
  candidatureId: 'CAND-1',
  presence: value,
  status: value === 'PRESENT' ? 'PRESENT_ENTRETIEN' : 'ABSENT_ENTRETIEN',
  sourceLabel: value === 'PRESENT' ? "Présent à l'entretien" : "Absent à l'entretien",
});
export const candidatureResult = (value: 'RETENU' | 'NON_RETENU') => ({
  candidatureId: 'CAND-1',
  result: value,
  refusalReason: null,
  comment: null,
  status: value,
  sourceLabel: value === 'RETENU' ? 'Retenu' : 'Non retenu',
});
