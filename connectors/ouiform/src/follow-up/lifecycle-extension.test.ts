import { LIFECYCLE_WITH_REINSTATEMENT, REINSTATED } from '@passerelle/schemas/lifecycle-fixture';
import { describe, expect, it } from 'vitest';
import { DECISION_RECORDS, decisionRecords, toFollowUpStep } from './follow-up-step.js';

const reinstated = {
  sessionKey: 'S',
  journeyId: 'J',
  registrationId: 'REG-1',
  modalityId: 'ICO-1',
  status: 'INSCRIT',
  sourceLabel: 'Réinscrit',
};

describe('follow-up steps and an act added to the lifecycle table', () => {
  it('when the table has a reinstatement, then a prescriber follows it as a step of the registration', () => {
    expect(toFollowUpStep(REINSTATED, reinstated, LIFECYCLE_WITH_REINSTATEMENT)).toEqual({
      stage: 'REGISTRATION',
      status: 'INSCRIT',
      label: 'Inscrit',
      sourceLabel: 'Réinscrit',
      detail: { registrationId: 'REG-1' },
    });
  });

  it('when the act is not in the table, then it is not a step (records this connector does not know yet)', () => {
    expect(toFollowUpStep(REINSTATED, reinstated)).toBeUndefined();
  });

  it('when the table marks the answers to a positioning request, then they are the three Kairos answers', () => {
    expect([...DECISION_RECORDS].sort()).toEqual([
      'fr.passerelle.kairos.CandidatureReceived',
      'fr.passerelle.kairos.RegistrationRecorded',
      'fr.passerelle.kairos.RegistrationRefused',
    ]);
    expect(decisionRecords(LIFECYCLE_WITH_REINSTATEMENT)).toEqual(DECISION_RECORDS);
  });
});
