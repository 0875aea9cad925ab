import { STATUS_LABELS } from '@passerelle/schemas';
import { WEBHOOK_HEADERS } from '../webhooks/signature.js';

/**
 * The shapes the prescriber API answers with and the webhook it calls, for the generated OpenAPI document (the
 * requests' schemas are the ones the routes validate with).
 */

export const INFO = {
  title: 'Passerelle — Ouiform prescriber API',
  version: '1',
  description:
    'Search the OUIFORM listing, prescribe (position a DE on an ICO, an RDVI or a candidature window), withdraw, and follow your organisation’s DEs by feed or signed webhooks.',
};

export const followUpItem = {
  type: 'object',
  required: ['eventId', 'prescriptionId', 'journeyId', 'sessionKey', 'stage', 'status', 'label'],
  properties: {
    eventId: { type: 'string', description: 'The Kairos event id: the same on every delivery, for deduplication' },
    prescriptionId: { type: 'string' },
    journeyId: { type: 'string', description: 'Not personal data (keyed hash of the DE and the session)' },
    sessionKey: { type: 'string' },
    stage: {
      type: 'string',
      enum: [
        'POSITIONING',
        'REGISTRATION',
        'INVITATION',
        'PRESENCE',
        'RESULT',
        'WAITLIST',
        'CONTACT',
        'INTERVIEW',
        'ENROLMENT',
        'ENTRY',
        'INTERRUPTION',
        'ABANDON',
        'EXIT',
      ],
    },
    status: { type: 'string', enum: Object.keys(STATUS_LABELS), description: 'Canonical status (domain.md G1)' },
    label: { type: 'string', description: 'The status in French' },
    sourceLabel: { type: ['string', 'null'], description: 'The status as Kairos worded it' },
    detail: { type: 'object', description: 'Dates, reasons and ids of the registration/candidature/enrolment' },
    occurredAt: { type: 'string', format: 'date-time' },
    recordedAt: { type: 'string', format: 'date-time' },
  },
};

export const prescription = {
  type: 'object',
  properties: {
    prescriptionId: { type: 'string' },
    requestId: { type: 'string' },
    journeyId: { type: 'string' },
    sessionKey: { type: 'string' },
    target: { type: 'object' },
    createdAt: { type: 'string', format: 'date-time' },
    advisorId: { type: ['string', 'null'] },
    status: { type: 'string', description: 'POSITIONNE until Kairos answers, then the latest step’s status' },
    label: { type: 'string' },
    decision: { anyOf: [followUpItem, { type: 'null' }] },
    withdrawn: { type: 'boolean' },
    steps: { type: 'array', items: followUpItem },
  },
};

export const feedPage = {
  type: 'object',
  properties: { items: { type: 'array', items: followUpItem }, next: { type: 'string' }, nextUrl: { type: 'string' } },
};

/** The calls Ouiform makes to a subscriber (OpenAPI 3.1 `webhooks`). */
export const WEBHOOKS = {
  followUp: {
    post: {
      summary:
        'A follow-up step of one of your prescriptions. At-least-once, in order per DE: deduplicate on the id header. Verify the signature: HMAC-SHA256 of "<timestamp>.<body>" under your secret; refuse old timestamps.',
      parameters: [
        { name: WEBHOOK_HEADERS.id, in: 'header', required: true, schema: { type: 'string' } },
        { name: WEBHOOK_HEADERS.timestamp, in: 'header', required: true, schema: { type: 'string' } },
        {
          name: WEBHOOK_HEADERS.signature,
          in: 'header',
          required: true,
          schema: { type: 'string', pattern: '^v1=[0-9a-f]{64}( v1=[0-9a-f]{64})*$' },
          description:
            'One v1= signature per valid secret, space-separated: two during a secret rotation’s grace period (the new secret’s first). Accept the delivery when one matches.',
        },
      ],
      requestBody: {
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: {
                type: { const: 'prescription.follow-up' },
                subscriptionId: { type: 'string' },
                item: followUpItem,
              },
            },
          },
        },
      },
      responses: { '2XX': { description: 'Received; anything else is retried with backoff' } },
    },
  },
};

/** A webhook subscription as its owner sees it (never its secret, except in the answers that create one). */
export const webhookSubscription = {
  type: 'object',
  required: ['id', 'url', 'eventTypes', 'state', 'createdAt'],
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    eventTypes: { type: 'array', items: { type: 'string' } },
    state: {
      type: 'string',
      enum: ['ACTIVE', 'PAUSED'],
      description: 'PAUSED after too many consecutive failed deliveries: POST …/resume to deliver again',
    },
    pausedReason: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    previousSecretValidUntil: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'After a rotation: until when deliveries are also signed with the previous secret',
    },
  },
};

/** The answer of a creation or a rotation: the only time the signing secret is shown. */
export const webhookSubscriptionWithSecret = {
  ...webhookSubscription,
  required: [...webhookSubscription.required, 'secret'],
  properties: {
    ...webhookSubscription.properties,
    secret: { type: 'string', description: 'The HMAC-SHA256 key to verify signatures with; shown only here' },
  },
};

export const deliveryAttempt = {
  type: 'object',
  properties: {
    webhookId: { type: 'string', description: 'The step’s event id (the passerelle-webhook-id header)' },
    attempt: { type: 'integer', minimum: 1 },
    outcome: { type: 'string', enum: ['DELIVERED', 'FAILED', 'DEAD_LETTERED', 'PAUSED'] },
    statusCode: { type: ['integer', 'null'] },
    errorCode: { type: ['string', 'null'] },
    latencyMs: { type: 'integer' },
    attemptedAt: { type: 'string', format: 'date-time' },
    nextRetryBefore: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'A failed attempt is retried by then (exponential backoff with full jitter)',
    },
  },
};
