import { STATUS_LABELS } from '@passerelle/schemas';
import { prescriptionRequestSchema } from '../prescriptions/prescription-request.js';
import { sessionSearchSchema } from '../sessions/session-search.js';
import { WEBHOOK_HEADERS } from '../webhooks/signature.js';

const problem = (description: string) => ({
  description: `${description} — problem+json (RFC 9457); \`errors[].field\` names the request field`,
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        required: ['type', 'title', 'status'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              properties: { field: { type: 'string' }, message: { type: 'string' }, rule: { type: 'string' } },
            },
          },
        },
      },
    },
  },
});

const followUpItem = {
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

const prescription = {
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

const json = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });
const located = (description: string) => ({
  ...json(description, prescription),
  headers: { Location: { schema: { type: 'string' }, description: 'The prescription to follow' } },
});
const idParameter = { name: 'prescriptionId', in: 'path', required: true, schema: { type: 'string' } };
const denied = {
  '401': problem('No or unknown token'),
  '403': problem('Not your prescription, or the role is missing'),
};

/** The OpenAPI 3.1 document of the prescriber API and its webhooks, from the schemas the server validates with. */
export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Passerelle — Ouiform prescriber API',
      version: '1',
      description:
        'Search the OUIFORM listing, prescribe (position a DE on an ICO, an RDVI or a candidature window), withdraw, and follow your organisation’s DEs by feed or signed webhooks.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/sessions': {
        get: {
          operationId: 'searchSessions',
          summary: 'Search the OUIFORM listing',
          parameters: Object.entries(sessionSearchSchema.properties).map(([name, schema]) => ({
            name,
            in: 'query',
            required: false,
            schema,
          })),
          responses: { '200': json('A page of sessions', { type: 'object' }), '400': problem('Invalid parameter') },
        },
      },
      '/prescriptions': {
        post: {
          operationId: 'prescribe',
          summary: 'Position a DE on an ICO, an RDVI or a candidature window',
          requestBody: { required: true, content: { 'application/json': { schema: prescriptionRequestSchema } } },
          responses: {
            '200': located('Already decided (a retried POST with the same prescriptionId)'),
            '201': located('Kairos decided within the wait: the decision'),
            '202': located('Published; Kairos has not decided yet: follow the Location'),
            '400': problem('Invalid body'),
            '422': problem('A rule refuses the prescription'),
            ...denied,
          },
        },
      },
      '/prescriptions/{prescriptionId}': {
        get: {
          operationId: 'getPrescription',
          summary: 'A prescription with its decision and every step',
          parameters: [idParameter],
          responses: { '200': json('The prescription', prescription), '404': problem('Unknown'), ...denied },
        },
        delete: {
          operationId: 'withdrawPrescription',
          summary: 'Withdraw: Kairos cancels what the prescription created',
          parameters: [idParameter],
          responses: { '202': located('Withdrawal published'), '404': problem('Unknown'), ...denied },
        },
      },
      '/feed': {
        get: {
          operationId: 'followUpFeed',
          summary: 'Your organisation’s follow-up steps, in order, after a cursor',
          parameters: [
            { name: 'after', in: 'query', schema: { type: 'string' }, description: 'The `next` of the previous page' },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          ],
          responses: {
            '200': json('A page of steps', {
              type: 'object',
              properties: { items: { type: 'array', items: followUpItem }, next: { type: 'string' } },
            }),
            '400': problem('Not a cursor of this feed'),
            '401': problem('No or unknown token'),
          },
        },
      },
    },
    webhooks: {
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
              schema: { type: 'string', pattern: '^v1=[0-9a-f]{64}$' },
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
    },
  };
}
