import { LIFECYCLE, type Lifecycle } from './lifecycle.js';
import { STATUS_LABELS } from './status-labels.js';

/**
 * An act that does not exist: an OF reinstating a registration whose RDV was cancelled. Only for tests, which inject
 * the extended table below where each consumer takes its lifecycle, to show that adding an act to the table is
 * enough for Kairos's guards, the journey fold, Ouiform's follow-up and the catalogue's places to accept it.
 */
export const REINSTATED = 'fr.passerelle.kairos.RegistrationReinstated';

export const LIFECYCLE_WITH_REINSTATEMENT: Lifecycle = {
  subjects: LIFECYCLE.subjects,
  transitions: [
    ...LIFECYCLE.transitions,
    {
      subject: 'REGISTRATION',
      record: REINSTATED,
      from: ['RDV_ANNULE'],
      to: 'INSCRIT',
      label: STATUS_LABELS.INSCRIT,
      actors: ['OF'],
    },
  ],
};
