import type { DocumentSpec } from '@passerelle/documents';
import type { ListingPublished } from '@passerelle/schemas';
import { localTime } from '@passerelle/schemas/local-time';
import type { SelfRegistration } from './self-registrations.js';

const CHANNEL_NAMES: Record<string, string> = {
  TMF: 'Trouver ma formation (francetravail.fr)',
  MA_FORMATION: 'application Ma Formation',
};

const frenchDate = (date: string | null | undefined) => {
  if (!date) return 'non précisée';
  const [year, month, day] = date.split('-');
  if (day) return `${day}/${month}/${year}`;
  return month ? `${month}/${year}` : (year ?? date);
};

/**
 * The letter handed to a DE whose contact request on a candidature window was received (seed: "un courrier remis au
 * DE l'informant que l'OF le recontactera pour fixer la date et la modalité de l'entretien"). `listing` is the
 * session as the channel showed it (null once it left the channel: the letter still says what the request was).
 */
export function confirmationLetter(registration: SelfRegistration, listing: ListingPublished | null): DocumentSpec {
  const decision = registration.decision;
  if (decision?.outcome !== 'CANDIDATURE_RECEIVED')
    throw new Error('A confirmation letter answers a received candidature');
  const window = listing?.modalities.find((modality) => modality.modalityId === decision.modalityId);
  const place = [listing?.city, listing?.department ? `(${listing.department})` : null].filter(Boolean).join(' ');
  return {
    title: 'Confirmation de votre demande de contact',
    subtitle: `Inscription sur candidature — ${CHANNEL_NAMES[registration.channel] ?? registration.channel}`,
    author: 'France Travail — Passerelle',
    subject: 'Demande de contact sur une plage de candidature',
    createdAt: decision.decidedAt,
    blocks: [
      { kind: 'paragraph', text: `Bonjour ${registration.de.firstName} ${registration.de.lastName},` },
      {
        kind: 'paragraph',
        text: `Votre demande de contact a bien été reçue le ${localTime().frenchDate(decision.decidedAt)} par l'organisme de formation${listing ? ` ${listing.organisationName}` : ''}.`,
      },
      {
        kind: 'paragraph',
        text: "L'organisme de formation vous recontactera pour fixer la date et la modalité de votre entretien (en présentiel, par téléphone, en visioconférence…). Gardez votre téléphone et votre messagerie à portée de main.",
      },
      { kind: 'heading', text: 'Votre demande' },
      {
        kind: 'fields',
        rows: [
          ['Formation', listing?.title ?? registration.target.sessionKey],
          ['Organisme de formation', listing?.organisationName ?? ''],
          ['Lieu', place],
          ['Session', `du ${frenchDate(listing?.start)} au ${frenchDate(listing?.end)}`],
          [
            'Période de réception des candidatures',
            window ? `du ${frenchDate(window.receptionStart)} au ${frenchDate(window.receptionEnd)}` : '',
          ],
          ['Référence de la demande', registration.requestId],
        ],
      },
      {
        kind: 'paragraph',
        text: 'Si vous ne souhaitez plus donner suite, signalez-le à votre conseiller France Travail ou depuis votre espace.',
      },
    ],
    footer: 'Document établi par France Travail à partir de votre demande',
  };
}
