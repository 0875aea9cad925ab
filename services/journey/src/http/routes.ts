import type { Bus } from '@passerelle/bus';
import type { JourneyStatusChanged } from '@passerelle/schemas';
import { type HttpServer, ProblemError } from '@passerelle/service-kit';
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

/** domain.md §h.1: the France Travail identifier is an opaque upper-case string of 8 to 11 characters. */
const DE_IDENTIFIER = /^[0-9A-Z]{8,11}$/;
const SIRET = /^\d{14}$/;

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

  http.get<{ Params: { journeyId: string } }>('/journeys/:journeyId', async (request) => {
    const principal = tokens.principalOf(request.headers.authorization);
    const status = readModel.get(request.params.journeyId);
    // An OF gets the same answer for an unknown journey and another OF's: nothing about others leaks.
    if (principal.role !== 'ops' && (!status || !maySee(principal, status.organisationSirets)))
      throw forbidden('This journey is not one of your sessions.');
    if (!status)
      throw new ProblemError({
        type: 'urn:passerelle:problem:not-found',
        title: 'Not Found',
        status: 404,
        detail: 'No such journey.',
      });
    return journeyJson(status);
  });

  http.get<{ Params: { sessionKey: string } }>('/sessions/:sessionKey/journeys', async (request) => {
    const principal = tokens.principalOf(request.headers.authorization);
    const { sessionKey } = request.params;
    const journeys = readModel
      .ofSession(sessionKey)
      .filter((status) => maySee(principal, status.organisationSirets))
      .sort((a, b) => a.journeyId.localeCompare(b.journeyId));
    return { sessionKey, journeys: journeys.map(summaryJson) };
  });

  http.get<{ Params: { siret: string } }>('/organisations/:siret/vigilance', async (request) => {
    const principal = tokens.principalOf(request.headers.authorization);
    const { siret } = request.params;
    if (!SIRET.test(siret))
      throw new ProblemError({
        type: 'urn:passerelle:problem:validation',
        title: 'Invalid request',
        status: 400,
        detail: 'A SIRET is 14 digits.',
        errors: [{ field: 'params.siret', message: 'must be 14 digits' }],
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

  http.post<{ Body: unknown }>('/erasures', async (request, reply) => {
    const principal = tokens.principalOf(request.headers.authorization);
    if (principal.role !== 'ops') throw forbidden('Erasure is an ops act.');
    const raw = (request.body as { deIdentifier?: unknown } | null)?.deIdentifier;
    const deIdentifier = typeof raw === 'string' ? raw.trim().toUpperCase() : undefined;
    // The value is personal data: the problem names the field, never repeats it.
    if (deIdentifier === undefined || !DE_IDENTIFIER.test(deIdentifier))
      throw new ProblemError({
        type: 'urn:passerelle:problem:validation',
        title: 'Invalid request',
        status: 422,
        detail: 'deIdentifier must be the France Travail identifier: 8 to 11 letters or digits.',
        errors: [{ field: 'body.deIdentifier', message: 'must be 8 to 11 letters or digits' }],
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
