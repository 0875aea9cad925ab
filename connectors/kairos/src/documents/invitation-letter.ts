import type { DocumentSpec } from '@passerelle/documents';
import type { SessionAggregate } from '../domain/state.js';
import { frenchDate } from './training-documents.js';

export type InvitationLetterAnswer =
  | { kind: 'unknown-registration' }
  | { kind: 'not-issued' }
  | { kind: 'issued'; spec: DocumentSpec; version: number };

/**
 * The invitation letter (convocation, annex 7.2 of the seed) of a DE registered on an ICO or RDVI: the OF, the
 * session, the date, the time (the DE's RDVI slot), the place or the remote link, and what to bring. Every word is
 * read from the latest `InvitationIssued` of the registration and the session's offer facts, so the letter says what
 * Ouiform's feed and the catalogue say. A rescheduled appointment gives a new version that replaces the previous
 * one. The DE's name is printed (the letter is addressed to them) but the metadata names only the registration.
 */
export function invitationLetter(state: SessionAggregate, registrationId: string, now: Date): InvitationLetterAnswer {
  const registration = state.registrations.get(registrationId);
  if (!registration) return { kind: 'unknown-registration' };
  const invitation = registration.invitation;
  if (!invitation) return { kind: 'not-issued' };
  const modality = state.modalities.get(registration.modalityId)?.modality;
  const session = state.session;
  const individual = modality?.kind === 'RDVI';
  const title = individual ? 'Convocation à un rendez-vous individuel' : 'Convocation à une information collective';
  const organisation = session?.organisationName ?? 'L’organisme de formation';
  const hours = invitation.endTime ? `de ${invitation.time} à ${invitation.endTime}` : `à ${invitation.time}`;
  const where: Array<readonly [string, string]> = [];
  if (invitation.place) where.push(['Lieu', invitation.place]);
  if (invitation.remoteLink) where.push(['À distance', invitation.remoteLink]);
  const updated = invitation.version > 1;

  return {
    kind: 'issued',
    version: invitation.version,
    spec: {
      title,
      subtitle: `${organisation} — ${updated ? `convocation mise à jour (version ${invitation.version})` : 'version 1'}`,
      author: 'Passerelle (Kairos)',
      subject: `Convocation ${registrationId} version ${invitation.version}`,
      createdAt: now,
      footer: `Convocation ${registrationId} — version ${invitation.version} — éditée le ${frenchDate(now.toISOString().slice(0, 10))}`,
      blocks: [
        { kind: 'paragraph', text: `${registration.de.firstName} ${registration.de.lastName},` },
        ...(updated
          ? [
              {
                kind: 'paragraph' as const,
                text: 'Votre rendez-vous a été modifié. Cette convocation annule et remplace la précédente.',
              },
            ]
          : []),
        {
          kind: 'paragraph',
          text: individual
            ? `${organisation} vous invite à un rendez-vous individuel de recrutement pour la formation ci-dessous.`
            : `${organisation} vous invite à une réunion d’information collective de recrutement pour la formation ci-dessous.`,
        },
        { kind: 'heading', text: 'Votre rendez-vous' },
        {
          kind: 'fields',
          rows: [
            ['Formation', session?.title ?? '—'],
            ['Organisme', `${organisation} (SIRET ${session?.responsibleSiret ?? '—'})`],
            ['Date', `le ${frenchDate(invitation.date)}`],
            ['Heure', hours],
            ...where,
          ],
        },
        { kind: 'heading', text: 'À apporter' },
        { kind: 'paragraph', text: invitation.whatToBring },
        {
          kind: 'paragraph',
          text: 'En cas d’empêchement, prévenez l’organisme de formation et votre conseiller au plus tôt.',
        },
      ],
    },
  };
}
