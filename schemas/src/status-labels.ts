import type { JourneyStatus } from './generated/types.js';

/**
 * The French label of each canonical status (domain.md G1): Kairos statuses keep the wording of the Kairos screens
 * (an event's `sourceLabel`), POSITIONNE, REFUSE and RETIRE are Passerelle's own (a positioning request not answered
 * yet, refused, or withdrawn by its requester). One table for every connector and service, so an OF in Kairos, a
 * prescriber in Ouiform and ops in the admin page read the same word for the same status.
 */
export const STATUS_LABELS = {
  POSITIONNE: 'Positionné',
  REFUSE: 'Demande refusée',
  RETIRE: 'Positionnement retiré',
  INSCRIT: 'Inscrit',
  RDV_ANNULE: 'RDV annulé',
  PRESENT: 'Présent',
  ABSENT: 'Absent',
  RETENU: 'Retenu',
  RETENU_EN_ATTENTE: 'Retenu mis en attente',
  NON_RETENU: 'Non retenu',
  REFUSE_APRES_ATTENTE: 'Refusé après attente',
  TRANSFERE: 'Transféré',
  CANDIDATURE_RECUE: 'À contacter',
  CONTACTE: 'Contacté',
  INJOIGNABLE: 'Injoignable',
  REFUS_CANDIDAT: 'Refus',
  SANS_SUITE: 'Sans suite',
  PRESENT_ENTRETIEN: "Présent à l'entretien",
  ABSENT_ENTRETIEN: "Absent à l'entretien",
  INSCRIT_EN_FORMATION: 'Inscrit en formation',
  ENTRE_EN_FORMATION: 'Entrée effective',
  ABSENT_A_L_ENTREE: "Absent à l'entrée",
  EN_INTERRUPTION: "Période d'interruption",
  ABANDON: 'Abandon',
  SORTI: 'Sorti',
  ANNULE: 'Annulé',
  // An AIF quote (devis d'aide individuelle à la formation), as Kairos names its steps.
  DEVIS_SAISI: 'Devis saisi',
  DEVIS_TRANSMIS: 'Devis transmis',
  DEVIS_VALIDE: 'Devis validé',
  DEVIS_REFUSE: 'Devis refusé',
  DEVIS_ANNULE: 'Devis annulé',
  UNKNOWN: 'Inconnu',
} as const satisfies Record<JourneyStatus, string>;

/** The label of a status read from outside (a stored string): the status itself when it is not a canonical one. */
export function statusLabel(status: string): string {
  return (STATUS_LABELS as Record<string, string>)[status] ?? status;
}
