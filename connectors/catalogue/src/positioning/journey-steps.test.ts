import { describe, expect, it } from 'vitest';
import type { Decision } from './decision.js';
import { currentStep, type JourneyStep, journeyStepOf, stepsOfRequest } from './journey-steps.js';

const at = new Date('2027-02-10T14:00:00Z');
const event = (fields: Record<string, unknown>) => ({ envelope: { occurredAt: at }, journeyId: 'J1', ...fields });
const step = (record: string, fields: Record<string, unknown>) => {
  const found = journeyStepOf(`fr.passerelle.kairos.${record}`, event(fields));
  if (!found) throw new Error(`${record} is no step`);
  return found.step;
};

describe('journey steps of a positioning', () => {
  it('when Kairos records acts, then each is a step with the status the lifecycle gives it and its French label', () => {
    expect(step('PresenceRecorded', { registrationId: 'REG-1', status: 'PRESENT' })).toMatchObject({
      subject: 'REGISTRATION',
      subjectId: 'REG-1',
      status: 'PRESENT',
      label: 'Présent',
      at,
    });
    expect(step('RecruitmentResultRecorded', { registrationId: 'REG-1', status: 'NON_RETENU' }).status).toBe(
      'NON_RETENU',
    );
    expect(step('EntryRecorded', { enrolmentId: 'ENR-1', entryDate: '2027-03-01' })).toMatchObject({
      subject: 'ENROLMENT',
      status: 'ENTRE_EN_FORMATION',
      date: '2027-03-01',
    });
    expect(step('CandidateContactRecorded', { candidatureId: 'CAND-1', status: 'CONTACTE' })).toMatchObject({
      subject: 'CANDIDATURE',
      status: 'CONTACTE',
      label: 'Contacté',
    });
    expect(step('InterviewScheduled', { candidatureId: 'CAND-1', date: '2027-02-12' })).toMatchObject({
      status: null,
      label: 'Entretien fixé',
      date: '2027-02-12',
    });
  });

  it('when an event is no step of a trainee (a modality, a refusal, a tombstone), then it is not one', () => {
    expect(journeyStepOf('fr.passerelle.kairos.RecruitmentModalityScheduled', event({ modalityId: 'M' }))).toBe(
      undefined,
    );
    expect(journeyStepOf('fr.passerelle.kairos.RegistrationRefused', event({ requestId: 'R' }))).toBe(undefined);
    expect(journeyStepOf('fr.passerelle.kairos.PresenceRecorded', null)).toBe(undefined);
  });

  it('when the journey holds another request too, then a request shows its own subject and the enrolment it opened', () => {
    const journey: JourneyStep[] = [
      step('RegistrationRecorded', { registrationId: 'REG-OLD', status: 'INSCRIT' }),
      step('RegistrationCancelled', { registrationId: 'REG-OLD', status: 'RDV_ANNULE' }),
      step('RegistrationRecorded', { registrationId: 'REG-1', status: 'INSCRIT' }),
      step('PresenceRecorded', { registrationId: 'REG-1', status: 'PRESENT' }),
      step('RecruitmentResultRecorded', { registrationId: 'REG-1', status: 'RETENU' }),
      step('EnrolmentOpened', { enrolmentId: 'ENR-1', originId: 'REG-1', status: 'INSCRIT_EN_FORMATION' }),
      step('EntryRecorded', { enrolmentId: 'ENR-1', entryDate: '2027-03-01' }),
    ];
    const decision: Decision = {
      outcome: 'REGISTERED',
      modalityId: 'ICO-1',
      modalityKind: 'ICO',
      registrationId: 'REG-1',
      decidedAt: at,
    };
    const steps = stepsOfRequest(decision, journey);
    expect(steps.map((s) => s.status)).toEqual([
      'INSCRIT',
      'PRESENT',
      'RETENU',
      'INSCRIT_EN_FORMATION',
      'ENTRE_EN_FORMATION',
    ]);
    expect(currentStep(steps)?.label).toBe('Entrée effective');
    expect(stepsOfRequest(null, journey)).toEqual([]);
    // Decided, not yet read as a step: the decision is the first step.
    expect(stepsOfRequest(decision, [])).toMatchObject([
      { subjectId: 'REG-1', status: 'INSCRIT', label: 'Inscrit', at },
    ]);
  });
});
