import { describe, expect, it } from 'vitest';
import { topics } from './catalogue.js';
import { records } from './index.js';
import {
  allowedFrom,
  holdsModalityPlace,
  LIFECYCLE,
  type Lifecycle,
  lifecycleProblems,
  mayRecord,
  type Transition,
} from './lifecycle.js';
import { LIFECYCLE_WITH_REINSTATEMENT, REINSTATED } from './lifecycle-fixture.js';
import { STATUS_LABELS } from './status-labels.js';

const published = new Set(topics.flatMap((topic) => topic.records));

describe('the lifecycle table', () => {
  it('is consistent: known records, labelled statuses, every status reachable from a creation', () => {
    expect(lifecycleProblems(LIFECYCLE, published)).toEqual([]);
    for (const row of LIFECYCLE.transitions) expect(records.has(row.record)).toBe(true);
  });

  it('labels each status it reaches with the one table of labels', () => {
    for (const row of LIFECYCLE.transitions) expect(row.label).toBe(row.to === null ? null : STATUS_LABELS[row.to]);
  });

  it('answers the guards: from where a record may be recorded, and by whom', () => {
    expect([...allowedFrom(LIFECYCLE, 'fr.passerelle.kairos.CandidateContactRecorded')]).toEqual([
      'CANDIDATURE_RECUE',
      'INJOIGNABLE',
    ]);
    expect(mayRecord(LIFECYCLE, 'fr.passerelle.kairos.RegistrationCancelled', 'INSCRIT', { actor: 'OF' })).toBe(true);
    expect(mayRecord(LIFECYCLE, 'fr.passerelle.kairos.RegistrationCancelled', 'PRESENT')).toBe(false);
    expect(mayRecord(LIFECYCLE, 'fr.passerelle.kairos.CandidatureWithdrawn', 'CONTACTE', { actor: 'OF' })).toBe(false);
    expect(mayRecord(LIFECYCLE, 'fr.passerelle.kairos.PresenceRecorded', 'INSCRIT', { to: 'ABSENT' })).toBe(true);
    expect(allowedFrom(LIFECYCLE, 'fr.passerelle.kairos.NoSuchRecord').size).toBe(0);
  });

  it('says which statuses give a modality place back (§c.4: results and presence keep it)', () => {
    expect(holdsModalityPlace(LIFECYCLE, 'REGISTRATION', 'NON_RETENU')).toBe(true);
    expect(holdsModalityPlace(LIFECYCLE, 'REGISTRATION', 'TRANSFERE')).toBe(false);
    expect(holdsModalityPlace(LIFECYCLE, 'CANDIDATURE', 'SANS_SUITE')).toBe(false);
  });

  it('names what is wrong with an inconsistent table', () => {
    const unknown: Transition = {
      subject: 'REGISTRATION',
      record: 'fr.passerelle.kairos.RegistrationTeleported',
      from: ['INSCRIT'],
      to: 'PRESENT',
      label: 'Téléporté',
      actors: [],
    };
    const orphan: Transition = {
      subject: 'ENROLMENT',
      record: 'fr.passerelle.kairos.ExitRecorded',
      from: ['UNKNOWN'],
      to: 'SORTI',
      label: STATUS_LABELS.SORTI,
      actors: ['OF'],
    };
    const broken: Lifecycle = {
      subjects: LIFECYCLE.subjects,
      transitions: [...LIFECYCLE.transitions.filter((row) => row.subject !== 'ENROLMENT'), unknown, orphan],
    };
    expect(lifecycleProblems(broken, published)).toEqual([
      'lifecycle: fr.passerelle.kairos.RegistrationTeleported is not a record of the contracts',
      'lifecycle: fr.passerelle.kairos.RegistrationTeleported → PRESENT is labelled Téléporté, not Présent',
      'lifecycle: nobody may record fr.passerelle.kairos.RegistrationTeleported',
      'lifecycle: no record creates a subject ENROLMENT',
      'lifecycle: ENROLMENT UNKNOWN is unreachable from its creation',
      'lifecycle: ENROLMENT SORTI is unreachable from its creation',
    ]);
  });
});

describe('the lifecycle table extended with a fictitious act (for the consumers’ tests)', () => {
  it('is consistent but for its record, which the contracts do not have', () => {
    expect(lifecycleProblems(LIFECYCLE_WITH_REINSTATEMENT, new Set([...published, REINSTATED]))).toEqual([]);
    expect(lifecycleProblems(LIFECYCLE_WITH_REINSTATEMENT, published)).toEqual([
      `lifecycle: ${REINSTATED} is not a record of the contracts`,
    ]);
    expect(mayRecord(LIFECYCLE_WITH_REINSTATEMENT, REINSTATED, 'RDV_ANNULE', { actor: 'OF' })).toBe(true);
    expect(mayRecord(LIFECYCLE, REINSTATED, 'RDV_ANNULE')).toBe(false);
  });
});
