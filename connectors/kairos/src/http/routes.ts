import { renderPdf } from '@passerelle/documents';
import type { HttpReply, HttpRequest, HttpServer } from '@passerelle/service-kit';
import {
  file,
  idempotencyKeyHeader,
  idempotencyKeyOf,
  json,
  located,
  ProblemError,
  problem,
  problems,
  serveOpenApi,
} from '@passerelle/service-kit';
import { ficheRegionale } from '../documents/fiche-regionale.js';
import { invitationLetter } from '../documents/invitation-letter.js';
import { TRAINING_DOCUMENTS, trainingDocument } from '../documents/training-documents.js';
import type { Act } from '../domain/commands.js';
import type { SessionAggregate } from '../domain/state.js';
import type { SessionReadModel } from '../read-model.js';
import { ACT_ROUTES, type ActRoute, ADVISER_ROUTE, pathParameters } from './acts.js';
import type { AdviserTokens, OfTokens } from './auth.js';
import { type Answer, adviserOwner, type CommandGateway } from './commands.js';
import { criteriaOf, type DeSearchQuery, deSearchQuery, searchDes } from './de-search.js';
import { actionBoard, canSee, enrolmentRow, pilotage, registrantCsv, registrantList, sessionView } from './views.js';

export interface KairosRoutesOptions {
  tokens: OfTokens;
  /** France Travail advisers: they decide AIF quotes, on the one route of their own. */
  advisers: AdviserTokens;
  gateway: CommandGateway;
  readModel: SessionReadModel;
  clock: () => Date;
}

const COMMAND_URL = '/commands/:commandId';

interface ReadRoute {
  url: string;
  summary: string;
  tag: string;
  /** The media type of a file answer (CSV, PDF); JSON otherwise. */
  produces?: string;
  /** Its query parameters (then a 400 names the one refused). */
  querystring?: object;
}

const READ_ROUTES: readonly ReadRoute[] = [
  { url: '/sessions', summary: "The OF's sessions with their counters", tag: 'Sessions' },
  { url: '/sessions/:sessionKey', summary: 'A session with its modalities, places and counters', tag: 'Sessions' },
  {
    url: '/sessions/:sessionKey/modalities/:modalityId/registrants',
    summary: 'Registrants of an ICO/RDVI (or candidates of a window), places available and waitlisted',
    tag: 'Registrations',
  },
  {
    url: '/sessions/:sessionKey/modalities/:modalityId/registrants.csv',
    summary: 'The registrant list as CSV (Exporter tout le tableau)',
    tag: 'Registrations',
    produces: 'text/csv',
  },
  { url: '/sessions/:sessionKey/registrations/:registrationId', summary: 'One registration', tag: 'Registrations' },
  { url: '/sessions/:sessionKey/candidatures/:candidatureId', summary: 'One candidature', tag: 'Candidatures' },
  { url: '/sessions/:sessionKey/enrolments', summary: 'Trainees enrolled in the training', tag: 'Enrolment' },
  { url: '/sessions/:sessionKey/enrolments/:enrolmentId', summary: 'One enrolment', tag: 'Enrolment' },
  { url: '/sessions/:sessionKey/quotes/:quoteId', summary: 'One AIF quote and its status', tag: 'Quotes' },
  {
    url: '/dashboards/pilotage',
    summary: 'Pilotage: sessions, session by RDV, registrants, files under watch',
    tag: 'Dashboards',
  },
  {
    url: '/dashboards/actions',
    summary: 'Action board: sessions awaiting entry input, RDV awaiting presence/results, sessions with future RDV',
    tag: 'Dashboards',
  },
  {
    url: '/sessions/:sessionKey/registrations/:registrationId/fiche-regionale.pdf',
    summary: 'The fiche régionale of a registered DE (PDF)',
    tag: 'Registrations',
    produces: 'application/pdf',
  },
  {
    url: '/sessions/:sessionKey/registrations/:registrationId/invitation.pdf',
    summary: 'The invitation letter (convocation, annex 7.2) of a registered DE, its latest version (PDF)',
    tag: 'Registrations',
    produces: 'application/pdf',
  },
  {
    url: '/sessions/:sessionKey/candidatures/:candidatureId/fiche-regionale.pdf',
    summary: 'The fiche régionale of a candidate (PDF)',
    tag: 'Candidatures',
    produces: 'application/pdf',
  },
  ...TRAINING_DOCUMENTS.map((document) => ({
    url: documentUrl(document.name),
    summary: `The ${document.title} of an enrolment (PDF), once ${document.requires} is recorded`,
    tag: 'Enrolment',
    produces: 'application/pdf',
  })),
  {
    url: COMMAND_URL,
    summary: 'The outcome of an act answered 202 (pending), for its OF or its France Travail adviser',
    tag: 'Commands',
  },
  {
    url: '/des',
    summary:
      "DE search: a DE's registrations, candidatures and enrolments on your sessions, by N° DE or by name (prefix, any case and accents)",
    tag: 'DEs',
    querystring: deSearchQuery,
  },
];

function documentUrl(name: string) {
  return `/sessions/:sessionKey/enrolments/:enrolmentId/documents/${name}.pdf`;
}

const forbidden = () =>
  new ProblemError({
    type: 'urn:passerelle:problem:kairos:forbidden-session',
    title: 'FORBIDDEN_SESSION',
    status: 403,
    detail: 'This session is not one of your organisation.',
    rule: 'FORBIDDEN_SESSION',
  });

const notFound = (what: string) => problem(404, 'about:blank', 'Not Found', `No such ${what} on this session.`);

/** A training document whose event has not happened: the enrolment exists, the document does not (yet). */
const notIssued = (requires: string) =>
  new ProblemError({
    type: 'urn:passerelle:problem:kairos:document-not-issued',
    title: 'DOCUMENT_NOT_ISSUED',
    status: 404,
    detail: `This document exists once ${requires} is recorded for this enrolment.`,
    rule: 'DOCUMENT_NOT_ISSUED',
  });

const sendPdf = async (reply: HttpReply, pdf: Buffer, filename: string) =>
  reply
    .type('application/pdf')
    .header('content-disposition', `inline; filename="${filename.replaceAll(/[^\w.-]/g, '_')}.pdf"`)
    // Personal data: no shared cache keeps a copy.
    .header('cache-control', 'no-store')
    .send(pdf);

const INFO = {
  title: 'Passerelle — Kairos connector (training organisations)',
  version: '1.0.0',
  description:
    'Every act of a training organisation (OF) on its sessions: recruitment modalities (ICO, RDVI, candidature windows), registrations, candidatures (Kairos NG), enrolment from entry to exit, registrant lists, dashboards, the fiche régionale and the training documents (attestation d’entrée, attestation d’absence / d’abandon, bilan de fin de formation). Bearer tokens stand for SIRETs; an OF acts only on sessions of its SIRETs.',
};

const pathParams = (url: string, constraint: object) => {
  const names = pathParameters(url);
  return {
    type: 'object',
    required: names,
    properties: Object.fromEntries(
      names.map((name) => [
        name,
        {
          type: 'string',
          ...constraint,
          ...(name === 'sessionKey' ? { description: 'formation|action|session numbers, URL-encoded' } : {}),
        },
      ]),
    ),
  };
};

const denied = { 401: 'No or unknown token', 403: 'Not a session of your organisation (or an unknown one)' };

const actSchema = (route: ActRoute) => ({
  operationId: route.act,
  summary: route.summary,
  tags: [route.tag],
  params: pathParams(route.url, { minLength: 1, maxLength: 200 }),
  body: route.body,
  response: {
    200: json('Recorded: the act, its events and what changed'),
    201: json('Created'),
    202: located('Not decided within the timeout', undefined, 'The command to poll (/commands/{commandId})'),
    ...problems({
      400: 'Invalid request: `errors[].field` names the field',
      ...denied,
      404: 'No such modality, registration, candidature or enrolment on this session',
      409: 'The act conflicts with the current state: `rule` names the rule',
      422: 'A rule refuses the act: `rule` names it',
    }),
  },
});

/** The schema of a read route of `READ_ROUTES` (an unlisted URL is a programming error). */
function readSchema(url: string) {
  const route = READ_ROUTES.find((candidate) => candidate.url === url);
  if (!route) throw new Error(`${url} is not in READ_ROUTES`);
  return {
    summary: route.summary,
    tags: [route.tag],
    ...(pathParameters(url).length > 0 ? { params: pathParams(url, {}) } : {}),
    ...(route.querystring ? { querystring: route.querystring } : {}),
    response: {
      200: route.produces ? file(route.summary, route.produces) : json(route.summary),
      ...problems(
        route.querystring
          ? { 400: 'Invalid query: `errors[].field` names the parameter', ...denied }
          : { ...denied, 404: 'Not found on this session' },
      ),
    },
  };
}

function send(reply: HttpReply, answer: Answer) {
  if (answer.location) void reply.header('location', answer.location);
  void reply.status(answer.status);
  if (answer.problem) void reply.type('application/problem+json');
  return reply.send(answer.body);
}

/**
 * The OF API: one route per act (validated by its JSON schema, then routed to the session's writer), reads served
 * from this instance's read model, and the OpenAPI document. Every route but the document needs a bearer token; a
 * session of another OF answers 403 exactly like an unknown one.
 */
export function registerKairosRoutes(
  http: HttpServer,
  { tokens, advisers, gateway, readModel, clock }: KairosRoutesOptions,
) {
  serveOpenApi(http, INFO);

  /** An OF, or an adviser polling a quote decision answered 202: the owners its commands are remembered under. */
  const pollerOf = (authorization: string | undefined): readonly string[] => {
    try {
      return tokens.siretsOf(authorization);
    } catch {
      return adviserOwner(advisers.agencyOf(authorization));
    }
  };

  // The adviser's decision on an AIF quote, in a scope of its own: an adviser token opens nothing else, an OF token
  // not this (401). Which session's quote it is is the writer's to check (404 UNKNOWN_QUOTE), as for an OF act.
  void http.register(async (scope) => {
    scope.decorateRequest('agency', null);
    scope.addHook('onRequest', async (request) => {
      (request as HttpRequest & { agency: string }).agency = advisers.agencyOf(request.headers.authorization);
    });
    scope.route({
      method: ADVISER_ROUTE.method,
      url: ADVISER_ROUTE.url,
      schema: {
        ...actSchema(ADVISER_ROUTE),
        description: 'Needs a France Travail adviser token (KAIROS_ADVISER_TOKENS), not an OF token.',
      },
      config: { checkedByHand: { headers: idempotencyKeyHeader } },
      handler: async (request, reply) => {
        const { agency } = request as HttpRequest & { agency: string };
        const { sessionKey, quoteId } = request.params as Record<string, string>;
        const act = { ...(request.body as object), quoteId, type: ADVISER_ROUTE.act } as Act;
        const key = idempotencyKeyOf(request.headers);
        return send(reply, await gateway.submit(sessionKey as string, [], act, key, { agency }));
      },
    });
  });

  void http.register(async (scope) => {
    scope.decorateRequest('sirets', null);
    scope.addHook('onRequest', async (request) => {
      const { authorization } = request.headers;
      (request as HttpRequest & { sirets: readonly string[] }).sirets =
        request.routeOptions.url === COMMAND_URL ? pollerOf(authorization) : tokens.siretsOf(authorization);
    });
    const siretsOf = (request: HttpRequest) => (request as HttpRequest & { sirets: readonly string[] }).sirets;

    for (const route of ACT_ROUTES) {
      scope.route({
        method: route.method,
        url: route.url,
        schema: actSchema(route),
        config: { checkedByHand: { headers: idempotencyKeyHeader } },
        // A body whose fields are all optional may be left out (DELETE, cancellations): it is then `{}`.
        preValidation: async (request) => {
          if (request.body === undefined || request.body === null) request.body = {};
        },
        handler: async (request, reply) => {
          const { sessionKey, ...ids } = request.params as Record<string, string>;
          const act = { ...((request.body as object | undefined) ?? {}), ...ids, type: route.act } as Act;
          const key = idempotencyKeyOf(request.headers);
          return send(reply, await gateway.submit(sessionKey as string, siretsOf(request), act, key));
        },
      });
    }

    /**
     * The session's aggregate if the caller may see it; 403 otherwise (also when unknown: nothing leaks). When the
     * session or what `holds` looks for is missing, it is looked for again once this instance has read everything
     * published so far: an id another instance handed out a moment ago is found here too (read-your-writes).
     */
    const visible = async (
      request: HttpRequest,
      holds: (state: SessionAggregate) => boolean = () => true,
    ): Promise<SessionAggregate> => {
      await readModel.follower.caughtUp();
      const { sessionKey } = request.params as { sessionKey: string };
      const sirets = siretsOf(request);
      const state = await readModel.follower.find(() => {
        const found = readModel.get(sessionKey);
        return found && canSee(found, sirets) && holds(found) ? found : undefined;
      });
      if (state) return state;
      const known = readModel.get(sessionKey);
      if (!known || !canSee(known, sirets)) throw forbidden();
      return known;
    };
    /** A read route: its schema from `READ_ROUTES`. */
    const read = (url: string, handler: (request: HttpRequest, reply: HttpReply) => Promise<unknown>) =>
      scope.get(url, { schema: readSchema(url) }, handler);
    const param = (request: HttpRequest, name: string) => (request.params as Record<string, string>)[name] ?? '';
    const mine = async (request: HttpRequest) => {
      await readModel.follower.caughtUp();
      const sirets = siretsOf(request);
      return [...readModel.sessions()].filter((state) => canSee(state, sirets));
    };

    read('/sessions', async (request) => ({ sessions: (await mine(request)).map(sessionView) }));
    read('/sessions/:sessionKey', async (request) => sessionView(await visible(request)));
    read('/sessions/:sessionKey/modalities/:modalityId/registrants', async (request) => {
      const { modalityId } = request.params as { modalityId: string };
      const list = registrantList(await visible(request, (state) => state.modalities.has(modalityId)), modalityId);
      if (!list) throw notFound('modality');
      return list;
    });
    read('/sessions/:sessionKey/modalities/:modalityId/registrants.csv', async (request, reply) => {
      const { modalityId } = request.params as { modalityId: string };
      const list = registrantList(await visible(request, (state) => state.modalities.has(modalityId)), modalityId);
      if (!list) throw notFound('modality');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="inscrits-${modalityId.replaceAll(/[^\w.-]/g, '_')}.csv"`)
        .send(registrantCsv(list));
    });
    read('/sessions/:sessionKey/registrations/:registrationId', async (request) => {
      const id = param(request, 'registrationId');
      const registration = (await visible(request, (state) => state.registrations.has(id))).registrations.get(id);
      if (!registration) throw notFound('registration');
      return registration;
    });
    read('/sessions/:sessionKey/candidatures/:candidatureId', async (request) => {
      const id = param(request, 'candidatureId');
      const candidature = (await visible(request, (state) => state.candidatures.has(id))).candidatures.get(id);
      if (!candidature) throw notFound('candidature');
      return candidature;
    });
    read('/sessions/:sessionKey/enrolments', async (request) => ({
      enrolments: [...(await visible(request)).enrolments.values()].map(enrolmentRow),
    }));
    read('/sessions/:sessionKey/enrolments/:enrolmentId', async (request) => {
      const id = param(request, 'enrolmentId');
      const enrolment = (await visible(request, (state) => state.enrolments.has(id))).enrolments.get(id);
      if (!enrolment) throw notFound('enrolment');
      return enrolmentRow(enrolment);
    });
    read('/sessions/:sessionKey/quotes/:quoteId', async (request) => {
      const id = param(request, 'quoteId');
      const quote = (await visible(request, (state) => state.quotes.has(id))).quotes.get(id);
      if (!quote) throw notFound('quote');
      return quote;
    });
    for (const [collection, parameter] of [
      ['registrations', 'registrationId'],
      ['candidatures', 'candidatureId'],
    ] as const) {
      const url = `/sessions/:sessionKey/${collection}/:${parameter}/fiche-regionale.pdf`;
      read(url, async (request, reply) => {
        const id = param(request, parameter);
        const holds = (state: SessionAggregate) =>
          collection === 'registrations' ? state.registrations.has(id) : state.candidatures.has(id);
        const fiche = ficheRegionale(await visible(request, holds), id, clock());
        if (!fiche) throw notFound(collection === 'registrations' ? 'registration' : 'candidature');
        return sendPdf(reply, await renderPdf(fiche), `fiche-regionale-${id}`);
      });
    }
    read('/sessions/:sessionKey/registrations/:registrationId/invitation.pdf', async (request, reply) => {
      const id = param(request, 'registrationId');
      const issued = (state: SessionAggregate) => state.registrations.get(id)?.invitation != null;
      const answer = invitationLetter(await visible(request, issued), id, clock());
      if (answer.kind === 'unknown-registration') throw notFound('registration');
      if (answer.kind === 'not-issued') throw notIssued('the registration’s invitation');
      return sendPdf(reply, await renderPdf(answer.spec), `convocation-${id}-v${answer.version}`);
    });
    for (const document of TRAINING_DOCUMENTS) {
      read(documentUrl(document.name), async (request, reply) => {
        const id = param(request, 'enrolmentId');
        // Waits for this instance to have read what was published so far when the document is not there yet: an
        // act answered by another instance a moment ago is seen here too.
        const issued = (state: SessionAggregate) =>
          trainingDocument(state, id, document.name, clock()).kind === 'issued';
        const answer = trainingDocument(await visible(request, issued), id, document.name, clock());
        if (answer.kind === 'unknown-enrolment') throw notFound('enrolment');
        if (answer.kind === 'not-issued') throw notIssued(answer.requires);
        return sendPdf(reply, await renderPdf(answer.spec), `${document.name}-${id}`);
      });
    }
    // Scoped like every read: only the sessions of the caller's SIRETs are searched.
    read('/des', async (request) => searchDes(await mine(request), criteriaOf(request.query as DeSearchQuery)));
    read('/dashboards/pilotage', async (request) => pilotage(await mine(request), clock()));
    read('/dashboards/actions', async (request) => actionBoard(await mine(request), clock()));
    read(COMMAND_URL, async (request, reply) => {
      const answer = await gateway.poll((request.params as { commandId: string }).commandId, siretsOf(request));
      if (!answer) throw problem(404, 'about:blank', 'Not Found');
      return send(reply, answer);
    });
  });
}
