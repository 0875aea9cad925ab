import type { Bus } from '@passerelle/bus';
import { DE_IDENTIFIER_INPUT, type JourneyStatusChanged, normalizeDeIdentifier } from '@passerelle/schemas';
import { type HttpServer, invalidRequest, json, problem, problems, serveOpenApi } from '@passerelle/service-kit';
import { eraseDe } from '../erasure.js';
import type { JourneyReadModel } from '../read-model.js';
import type { JourneyTopics } from '../topics.js';
import { forbidden, type JourneyTokens, maySee } from './auth.js';

export interface JourneyRoutesOptions {
  tokens: JourneyTokens;
  readModel: JourneyReadModel;
  bus: Bus;
  topics: JourneyTopics;
  secret: string;
  erasureTimeoutMs: number;
}

const SIRET = /^\d{14}$/;

const INFO = {
  title: 'Passerelle — journey service',
  version: '1',
  description:
    'The journey of each DE on each session, told once from every system’s events: its status, timeline, vigilance items and anomalies, for the OF of the session and for ops; and the erasure of a DE (ops).',
};
const TAGS = { tags: ['Journeys'] };
const denied = { 401: 'No or unknown token', 403: 'Not one of your sessions' };
/**
 * A session key as LHEO numbers it, `formation|action|session` (the shape Ouiform's prescriptions take): a path
 * parameter of any other shape (a traversal, a NUL, a script) is a 400 naming it, never echoed in a 200.
 */
const SESSION_KEY = { type: 'string', maxLength: 200, pattern: '^[^|\\s]+\\|[^|\\s]+\\|[^|\\s]+$' } as const;
const stringParams = (...names: string[]) => ({
  type: 'object',
  required: names,
  properties: Object.fromEntries(names.map((name) => [name, { type: 'string' }])),
});

/** A journey as the API shows it (dates as ISO strings through JSON). */
export function journeyJson(status: JourneyStatusChanged) {
  return {
    journeyId: status.journeyId,
    sessionKey: status.sessionKey,
    status: status.status,
    sourceLabel: status.sourceLabel,
    statusSince: status.statusSince,
    organisationSirets: status.organisationSirets,
    registrationId: status.registrationId,
    candidatureId: status.candidatureId,
    enrolmentId: status.enrolmentId,
    links: status.links,
    vigilance: status.vigilanceItems,
    vigilanceDueAt: status.vigilanceDueAt,
    anomalies: status.anomalies,
    timeline: status.timeline,
    updatedAt: status.envelope.recordedAt,
  };
}

const summaryJson = (status: JourneyStatusChanged) => {
  const { timeline: _timeline, links: _links, ...summary } = journeyJson(status);
  return { ...summary, steps: status.steps };
};

export function registerJourneyRoutes(http: HttpServer, options: JourneyRoutesOptions) {
  const { tokens, readModel } = options;

  serveOpenApi(http, INFO);

  const journeyRoute = {
    schema: {
      ...TAGS,
      summary: 'A journey: status, timeline, links, vigilance and anomalies',
      params: stringParams('journeyId'),
      response: { 200: json('The journey'), ...problems({ ...denied, 404: 'No such journey (ops only)' }) },
    },
  };
  http.get<{ Params: { journeyId: string } }>('/journeys/:journeyId', journeyRoute, async (request) => {
    const principal = await tokens.principalOf(request.headers.authorization);
    const status = readModel.get(request.params.journeyId);
    // An OF gets the same answer for an unknown journey and another OF's: nothing about others leaks.
    if (principal.role !== 'ops' && (!status || !maySee(principal, status.organisationSirets)))
      throw forbidden('This journey is not one of your sessions.');
    if (!status) throw problem(404, 'not-found', 'Not Found', 'No such journey.');
    return journeyJson(status);
  });

  const sessionRoute = {
    schema: {
      ...TAGS,
      summary: 'The journeys of a session you may see, with their steps',
      params: { type: 'object', required: ['sessionKey'], properties: { sessionKey: SESSION_KEY } },
      response: {
        200: json('The journeys of the session you may see (none: an empty list)'),
        ...problems({ 400: 'Not a session key (formation|action|session)', 401: denied[401] }),
      },
    },
  };
  http.get<{ Params: { sessionKey: string } }>('/sessions/:sessionKey/journeys', sessionRoute, async (request) => {
    const principal = await tokens.principalOf(request.headers.authorization);
    const { sessionKey } = request.params;
    const journeys = readModel
      .ofSession(sessionKey)
      .filter((status) => maySee(principal, status.organisationSirets))
      .sort((a, b) => a.journeyId.localeCompare(b.journeyId));
    return { sessionKey, journeys: journeys.map(summaryJson) };
  });

  const vigilanceRoute = {
    schema: {
      ...TAGS,
      summary: 'The files under watch of an organisation',
      params: stringParams('siret'),
      response: {
        200: json('The journeys with vigilance items'),
        ...problems({ 400: 'Not a SIRET', ...denied, 403: 'Not your SIRET' }),
      },
    },
    // Checked after the token: an anonymous caller learns nothing, not even what a SIRET looks like.
    config: { checkedByHand: { params: { properties: { siret: { type: 'string', pattern: SIRET.source } } } } },
  };
  http.get<{ Params: { siret: string } }>('/organisations/:siret/vigilance', vigilanceRoute, async (request) => {
    const principal = await tokens.principalOf(request.headers.authorization);
    const { siret } = request.params;
    if (!SIRET.test(siret))
      throw invalidRequest([{ field: 'params.siret', message: 'must be 14 digits' }], {
        detail: 'A SIRET is 14 digits.',
      });
    if (principal.role !== 'ops' && !principal.sirets.includes(siret)) throw forbidden('This SIRET is not yours.');
    const files = [...readModel.all()]
      .filter((status) => status.vigilanceItems.length > 0 && status.organisationSirets.includes(siret))
      .sort((a, b) => a.sessionKey.localeCompare(b.sessionKey) || a.journeyId.localeCompare(b.journeyId))
      .map((status) => ({
        journeyId: status.journeyId,
        sessionKey: status.sessionKey,
        status: status.status,
        sourceLabel: status.sourceLabel,
        registrationId: status.registrationId,
        candidatureId: status.candidatureId,
        enrolmentId: status.enrolmentId,
        vigilance: status.vigilanceItems,
      }));
    return { siret, files };
  });

  const erasureRoute = {
    schema: {
      tags: ['Erasure'],
      summary: 'Erase a DE: his personal data leaves every topic and read model (ops)',
      response: {
        200: json('Erased everywhere'),
        202: json('Erasure published; some runnables have not confirmed yet'),
        ...problems({
          401: denied[401],
          403: 'Erasure is an ops act',
          422: 'deIdentifier is not a France Travail identifier',
        }),
      },
    },
    // Checked after the token and the role, answered 422: the body is read only for ops.
    config: {
      checkedByHand: {
        body: {
          type: 'object',
          required: ['deIdentifier'],
          properties: { deIdentifier: { type: 'string', pattern: DE_IDENTIFIER_INPUT.source } },
        },
      },
    },
  };
  http.post<{ Body: unknown }>('/erasures', erasureRoute, async (request, reply) => {
    const principal = await tokens.principalOf(request.headers.authorization);
    if (principal.role !== 'ops') throw forbidden('Erasure is an ops act.');
    const raw = (request.body as { deIdentifier?: unknown } | null)?.deIdentifier;
    const deIdentifier = typeof raw === 'string' ? normalizeDeIdentifier(raw) : undefined;
    // The value is personal data: the problem names the field, never repeats it.
    if (deIdentifier === undefined)
      throw invalidRequest([{ field: 'body.deIdentifier', message: 'must be 8 to 11 letters or digits' }], {
        status: 422,
        detail: 'deIdentifier must be the France Travail identifier: 8 to 11 letters or digits.',
      });
    const outcome = await eraseDe(deIdentifier, {
      bus: options.bus,
      topics: options.topics,
      readModel,
      secret: options.secret,
      timeoutMs: options.erasureTimeoutMs,
    });
    request.log.info(
      { erasureId: outcome.erasureId, journeys: outcome.erasedJourneys, complete: outcome.complete },
      'DE erased',
    );
    return reply.status(outcome.complete ? 200 : 202).send(outcome);
  });
}
