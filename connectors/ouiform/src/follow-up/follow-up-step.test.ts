import { type EventRecordName, STATUS_LABELS } from '@passerelle/schemas';
import { de, fixtures } from '@passerelle/schemas/fixtures';
import { describe, expect, it } from 'vitest';
import { toFollowUpStep } from './follow-up-step.js';

const stepOf = (name: EventRecordName) => toFollowUpStep(name, fixtures[name]);

describe('toFollowUpStep', () => {
  it('when Kairos records a step of a DE, then the prescriber gets its stage, canonical status and French label', () => {
    const expected: [string, string, string][] = [
      ['RegistrationRecorded', 'REGISTRATION', 'INSCRIT'],
      ['RegistrationRefused', 'REGISTRATION', 'REFUSE'],
      ['RegistrationCancelled', 'REGISTRATION', 'RDV_ANNULE'],
      ['RegistrationTransferred', 'REGISTRATION', 'TRANSFERE'],
      ['InvitationIssued', 'INVITATION', 'INSCRIT'],
      ['PresenceRecorded', 'PRESENCE', 'PRESENT'],
      ['RecruitmentResultRecorded', 'RESULT', 'RETENU_EN_ATTENTE'],
      ['WaitlistDecisionRecorded', 'WAITLIST', 'RETENU'],
      ['CandidatureReceived', 'REGISTRATION', 'CANDIDATURE_RECUE'],
      ['CandidatureWithdrawn', 'REGISTRATION', 'RETIRE'],
      ['CandidateContactRecorded', 'CONTACT', 'CONTACTE'],
      ['InterviewScheduled', 'INTERVIEW', 'CONTACTE'],
      ['InterviewPresenceRecorded', 'INTERVIEW', 'PRESENT_ENTRETIEN'],
      ['CandidatureResultRecorded', 'RESULT', 'NON_RETENU'],
      ['EnrolmentOpened', 'ENROLMENT', 'INSCRIT_EN_FORMATION'],
      ['EntryRecorded', 'ENTRY', 'ENTRE_EN_FORMATION'],
      ['EntryCorrected', 'ENTRY', 'ENTRE_EN_FORMATION'],
      ['AbsenceAtEntryRecorded', 'ENTRY', 'ABSENT_A_L_ENTREE'],
      ['InterruptionStarted', 'INTERRUPTION', 'EN_INTERRUPTION'],
      ['InterruptionEnded', 'INTERRUPTION', 'ENTRE_EN_FORMATION'],
      ['AbandonRecorded', 'ABANDON', 'ABANDON'],
      ['ExitRecorded', 'EXIT', 'SORTI'],
      ['EndOfTrainingReportRecorded', 'EXIT', 'SORTI'],
      ['EnrolmentCancelled', 'ENROLMENT', 'ANNULE'],
    ];
    const actual = expected.map(([name]) => {
      const step = stepOf(`fr.passerelle.kairos.${name}` as EventRecordName);
      return [name, step?.stage, step?.status];
    });
    expect(actual).toEqual(expected);
    for (const [name, , status] of expected) {
      expect(stepOf(`fr.passerelle.kairos.${name}` as EventRecordName)?.label).toBe(
        STATUS_LABELS[status as keyof typeof STATUS_LABELS],
      );
    }
  });

  it('when the event carries Kairos’s own wording, then it is kept beside the canonical label', () => {
    const step = stepOf('fr.passerelle.kairos.RecruitmentResultRecorded');
    expect(step?.label).toBe('Retenu mis en attente');
    expect(step?.sourceLabel).toBe(fixtures['fr.passerelle.kairos.RecruitmentResultRecorded'].sourceLabel);
  });

  it('when Kairos refuses a positioning, then the reason and its message reach the prescriber', () => {
    const refused = fixtures['fr.passerelle.kairos.RegistrationRefused'];
    expect(stepOf('fr.passerelle.kairos.RegistrationRefused')?.detail).toMatchObject({
      reason: refused.reason,
      message: refused.message,
    });
  });

  it('when an event is not a status change of a DE, then there is no step', () => {
    for (const name of [
      'fr.passerelle.kairos.RecruitmentModalityScheduled',
      'fr.passerelle.kairos.RecruitmentModalityCancelled',
      'fr.passerelle.kairos.AttendancePeriodRecorded',
      'fr.passerelle.offer.SessionPublished',
    ] as const) {
      expect(stepOf(name)).toBeUndefined();
    }
    expect(toFollowUpStep(null, null)).toBeUndefined();
  });

  it('when a step is built, then it carries no personal data of the DE', () => {
    const everything = JSON.stringify(Object.keys(fixtures).map((name) => stepOf(name as EventRecordName)));
    for (const value of [de.deIdentifier, de.lastName, de.firstName, de.email, de.phone]) {
      expect(everything).not.toContain(value as string);
    }
  });
});
