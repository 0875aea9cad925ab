import { normalizeDeIdentifier, statusLabel } from '@passerelle/schemas';
import { invalidRequest } from '@passerelle/service-kit';
import { type SessionAggregate, traineeOf } from '../domain/state.js';

/**
 * DE search (issue 15, item 6): every registration, candidature and enrolment of a DE on the sessions the caller
 * sees, by DE number or by name. The query string holds personal data: service-kit logs a URL with its query
 * values masked, so the names searched never reach the logs.
 */

/** Names: at least two non-blank characters, so a search cannot dump every DE of the OF one letter at a time. */
const name = (description: string) =>
  ({ type: 'string', minLength: 2, maxLength: 100, pattern: '\\S.*\\S', description }) as const;

export const deSearchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    deIdentifier: {
      type: 'string',
      pattern: '^\\s*[0-9A-Za-z]{8,11}\\s*$',
      description: 'N° DE (France Travail identifier), matched exactly, in any case',
    },
    lastName: name('Nom: the start of the last name, whatever the case and accents'),
    firstName: name('Prénom: the start of the first name (narrows a lastName search)'),
  },
} as const;

export interface DeSearchQuery {
  deIdentifier?: string;
  lastName?: string;
  firstName?: string;
}

/** Case, accents, hyphens and apostrophes aside: "Lefèvre-Dupré" is found as "lefevre dup". */
export const foldName = (text: string) =>
  text
    .normalize('NFD')
    .replaceAll(/\p{M}/gu, '')
    .toLowerCase()
    .replaceAll(/[-'’\s]+/g, ' ')
    .trim();

/** Results past this are left out (`truncated`): a name prefix is narrow enough in practice. */
export const MAX_RESULTS = 200;

interface Criteria {
  deIdentifier?: string;
  lastName?: string;
  firstName?: string;
}

/** The criteria of a validated query; a 400 naming the field when none is given. */
export function criteriaOf(query: DeSearchQuery): Criteria {
  if (query.deIdentifier === undefined && query.lastName === undefined) {
    const field = query.firstName === undefined ? 'querystring.deIdentifier' : 'querystring.lastName';
    throw invalidRequest([{ field, message: 'give deIdentifier, or lastName (with firstName if you like)' }], {
      detail: 'A DE search needs deIdentifier or lastName.',
    });
  }
  return {
    ...(query.deIdentifier === undefined ? {} : { deIdentifier: normalizeDeIdentifier(query.deIdentifier) ?? '' }),
    ...(query.lastName === undefined ? {} : { lastName: foldName(query.lastName) }),
    ...(query.firstName === undefined ? {} : { firstName: foldName(query.firstName) }),
  };
}

type De = { deIdentifier: string; lastName: string; firstName: string };

const matches = (de: De | null, criteria: Criteria) =>
  de !== null &&
  (criteria.deIdentifier === undefined || de.deIdentifier.trim().toUpperCase() === criteria.deIdentifier) &&
  (criteria.lastName === undefined || foldName(de.lastName).startsWith(criteria.lastName)) &&
  (criteria.firstName === undefined || foldName(de.firstName).startsWith(criteria.firstName));

/** What the OF sees of each file of a matching DE: the session, the subject, its status and French label. */
export function searchDes(states: readonly SessionAggregate[], criteria: Criteria) {
  const results: Record<string, unknown>[] = [];
  const row = (state: SessionAggregate, de: De, file: Record<string, unknown>, status: string) => ({
    sessionKey: state.sessionKey,
    title: state.session?.title ?? null,
    start: state.session?.start ?? null,
    end: state.session?.end ?? null,
    ...file,
    deIdentifier: de.deIdentifier,
    lastName: de.lastName,
    firstName: de.firstName,
    status,
    statusLabel: statusLabel(status),
  });
  for (const state of states) {
    for (const registration of state.registrations.values())
      if (matches(registration.de, criteria))
        results.push(
          row(
            state,
            registration.de,
            {
              kind: 'registration',
              id: registration.registrationId,
              modalityId: registration.modalityId,
              modalityKind: state.modalities.get(registration.modalityId)?.modality.kind ?? null,
              journeyId: registration.journeyId,
            },
            registration.status,
          ),
        );
    for (const candidature of state.candidatures.values())
      if (matches(candidature.de, criteria))
        results.push(
          row(
            state,
            candidature.de,
            {
              kind: 'candidature',
              id: candidature.candidatureId,
              modalityId: candidature.windowId,
              modalityKind: 'CANDIDATURE_WINDOW',
              journeyId: candidature.journeyId,
            },
            candidature.status,
          ),
        );
    for (const enrolment of state.enrolments.values()) {
      const de = traineeOf(state, enrolment);
      if (de !== null && matches(de, criteria))
        results.push(
          row(
            state,
            de,
            {
              kind: 'enrolment',
              id: enrolment.enrolmentId,
              modalityId: null,
              modalityKind: null,
              journeyId: enrolment.journeyId,
            },
            enrolment.status,
          ),
        );
    }
  }
  return { results: results.slice(0, MAX_RESULTS), truncated: results.length > MAX_RESULTS };
}
