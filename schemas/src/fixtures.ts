import { randomBytes } from 'node:crypto';
import { de, envelope, ico, journeyId, offerSession, requestId, sessionKey, sofi } from './fixtures/basis.js';
import { kairosFixtures } from './fixtures/kairos.js';
import { readModelFixtures } from './fixtures/read-models.js';
import type { EventRecordName, OfferSession, RecordTypes } from './generated/types.js';

/**
 * One realistic example of every event record, following a single journey: a session of the SOFI offer, an ICO
 * scheduled by the OF, a DE positioned by a Mission Locale advisor, registered, present, waitlisted then retained,
 * entered, interrupted, and out. The mapped type makes a new record without an example a compile error; the tests
 * check each one against its Avro type, and connectors may import them (`@passerelle/schemas/fixtures`) for their
 * own tests. The DE is fictitious.
 */

export { de, journeyId, offerSession, sessionKey } from './fixtures/basis.js';

/**
 * The example session under a key of its own (`14_AF_<formation>|14_SE_<numero>|<numero>`, the numero random), with
 * `changes`: a test's sessions never meet another test's on a shared topic.
 */
export function offerSessionWith(
  changes: { formation?: Partial<OfferSession['formation']>; session?: Partial<OfferSession['session']> } = {},
  formationNumero = 'TEST',
): OfferSession {
  const numero = `SE_${randomBytes(5).toString('hex')}`;
  return {
    ...offerSession,
    sessionKey: `14_AF_${formationNumero}|14_SE_${numero}|${numero}`,
    formation: { ...offerSession.formation, ...changes.formation },
    session: { ...offerSession.session, numero, ...changes.session },
  };
}

export const fixtures: { [Name in EventRecordName]: RecordTypes[Name] } = {
  'fr.passerelle.offer.SessionPublished': {
    envelope: envelope(
      'sofi:14_AF_0000011111|14_SE_0000102222|SE_0000102222:b1946ac9',
      '2026-03-15T02:10:00Z',
      sessionKey,
      sofi,
    ),
    sessionKey,
    session: offerSession,
  },
  'fr.passerelle.offer.SessionUpdated': {
    envelope: envelope('sofi:session-updated:c3d4', '2026-03-16T02:10:00Z', sessionKey, sofi),
    sessionKey,
    session: { ...offerSession, session: { ...offerSession.session, recruitmentState: 'SUSPENDED' } },
    changedFields: ['session.recruitmentState'],
  },
  'fr.passerelle.offer.SessionWithdrawn': {
    envelope: envelope('sofi:session-withdrawn:e5f6', '2027-01-31T02:10:00Z', sessionKey, sofi),
    sessionKey,
    reason: 'SESSION_PERIMEE',
    lastKnown: { ...offerSession, session: { ...offerSession.session, expired: true } },
  },
  'fr.passerelle.positioning.PositioningRequested': {
    envelope: envelope(requestId, '2026-04-10T08:00:00Z', journeyId, {
      actor: {
        kind: 'PRESCRIBER',
        siret: '13000548100010',
        organisationName: 'Mission Locale Nantes Métropole',
        prescriberNetwork: 'MISSION_LOCALE',
        channel: 'OUIFORM',
      },
      sourceSystem: 'OUIFORM',
    }),
    requestId,
    journeyId,
    origin: 'PRESCRIBER',
    channel: 'OUIFORM',
    target: { sessionKey, modalityKind: 'ICO', modalityId: ico.modalityId },
    de,
    prescription: {
      prescriptionId: 'PRES-ML-2026-991',
      network: 'MISSION_LOCALE',
      organisation: 'Mission Locale Nantes Métropole',
      advisorId: 'ADV-4471',
      projectValidated: true,
      eligibilityChecks: ['PRIORITY_PUBLIC', 'PREREQUISITES', 'REMUNERATION_RIGHTS'],
      fundingHint: 2,
      comment: 'Projet validé en entretien du 08/04.',
    },
  },
  'fr.passerelle.positioning.PositioningWithdrawn': {
    envelope: envelope(`${requestId}:withdrawn`, '2026-04-12T08:00:00Z', journeyId, { sourceSystem: 'OUIFORM' }),
    requestId,
    journeyId,
    sessionKey,
    reason: 'Le DE a trouvé un emploi.',
  },
  'fr.passerelle.access.AccessGranted': {
    envelope: envelope('access:of-44:2026-04-01T08:00:00Z', '2026-04-01T08:00:00Z', 'of-44', {
      sourceSystem: 'PASSERELLE',
      actor: { kind: 'OPS', siret: null, organisationName: null, prescriberNetwork: null, channel: null },
    }),
    subject: 'of-44',
    role: 'OF',
    sirets: ['19020050100038'],
    structure: null,
    grantedBy: 'rgc-pdl-07',
    grantedAt: new Date('2026-04-01T08:00:00Z'),
    expiresAt: new Date('2027-03-31T22:00:00Z'),
  },
  'fr.passerelle.ouiform.WebhookSubscriptionChanged': {
    envelope: envelope(
      'ouiform:webhook:wh-3f9a0c1d2e4b5a6978c0d1e2:created',
      '2026-04-02T09:00:00Z',
      'wh-3f9a0c1d2e4b5a6978c0d1e2',
      {
        sourceSystem: 'OUIFORM',
        actor: {
          kind: 'PRESCRIBER',
          siret: null,
          organisationName: 'ML-NANTES',
          prescriberNetwork: 'MISSION_LOCALE',
          channel: 'OUIFORM',
        },
      },
    ),
    subscriptionId: 'wh-3f9a0c1d2e4b5a6978c0d1e2',
    organisation: 'ML-NANTES',
    network: 'MISSION_LOCALE',
    url: 'https://si.ml-nantes.example.org/hooks/ouiform',
    eventTypes: ['prescription.follow-up'],
    state: 'ACTIVE',
    secretNonce: 'l3xq9Zr0b5m2T8vKc1sYwA',
    previousSecretNonce: null,
    previousSecretUntil: null,
    createdAt: new Date('2026-04-02T09:00:00Z'),
    pausedReason: null,
    idempotencyKey: null,
  },
  'fr.passerelle.ouiform.WebhookDeliveryAttempted': {
    envelope: envelope(
      'ouiform:delivery:wh-3f9a0c1d2e4b5a6978c0d1e2:kairos-evt-0042:1',
      '2026-04-15T10:00:02Z',
      'wh-3f9a0c1d2e4b5a6978c0d1e2',
      {
        sourceSystem: 'OUIFORM',
        actor: { kind: 'SYSTEM', siret: null, organisationName: null, prescriberNetwork: null, channel: null },
        causationId: 'kairos-evt-0042',
      },
    ),
    subscriptionId: 'wh-3f9a0c1d2e4b5a6978c0d1e2',
    webhookId: 'kairos-evt-0042',
    attempt: 1,
    outcome: 'FAILED',
    statusCode: 503,
    errorCode: 'OUIFORM_WEBHOOK_REFUSED',
    latencyMs: 87,
    nextRetryBefore: new Date('2026-04-15T10:00:03Z'),
  },
  ...kairosFixtures,
  ...readModelFixtures,
};
