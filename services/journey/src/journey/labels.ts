import type { JourneyStatus } from '@passerelle/schemas';

/**
 * French labels of the canonical statuses (domain.md G1), used when an event carries none. Kairos statuses keep the
 * wording of the Kairos screens; POSITIONNE, REFUSE and RETIRE are Passerelle's own (a request not answered yet,
 * refused, or withdrawn by its requester).
 */
export const STATUS_LABELS: Record<JourneyStatus, string> = {
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
  UNKNOWN: 'Inconnu',
};
