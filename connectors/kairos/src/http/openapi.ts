import { ACT_ROUTES, pathParameters } from './acts.js';

const problem = {
  description: 'problem+json (RFC 9457): `rule` names the broken rule, `errors[].field` the request field',
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
          rule: { type: 'string' },
          errors: {
            type: 'array',
            items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
          },
        },
      },
    },
  },
};

const json = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } } },
});

const toOpenApiPath = (url: string) => url.replaceAll(/:([A-Za-z]+)/g, '{$1}');

const parameters = (url: string) =>
  pathParameters(url).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
    ...(name === 'sessionKey' ? { description: 'formation|action|session numbers, URL-encoded' } : {}),
  }));

export interface ReadRoute {
  url: string;
  summary: string;
  tag: string;
  produces?: string;
}

/** The OpenAPI 3.1 document of the API, built from the same route tables the server registers. */
export function openApiDocument(readRoutes: readonly ReadRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  const at = (url: string) => {
    const path = toOpenApiPath(url);
    paths[path] ??= {};
    return paths[path];
  };
  for (const route of ACT_ROUTES) {
    at(route.url)[route.method.toLowerCase()] = {
      operationId: route.act,
      summary: route.summary,
      tags: [route.tag],
      parameters: [
        ...parameters(route.url),
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Retrying with the same key (no answer, a 5xx) gets the first answer instead of a second act.',
          schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' },
        },
      ],
      requestBody: {
        required: ((route.body as { required?: readonly string[] }).required ?? []).length > 0,
        content: { 'application/json': { schema: route.body } },
      },
      responses: {
        200: json('Recorded: the act, its events and what changed'),
        201: json('Created'),
        202: json('Not decided within the timeout: poll the Location (/commands/{commandId})'),
        400: problem,
        401: problem,
        403: problem,
        404: problem,
        409: problem,
        422: problem,
      },
    };
  }
  for (const route of readRoutes) {
    at(route.url).get = {
      summary: route.summary,
      tags: [route.tag],
      parameters: parameters(route.url),
      responses: {
        200: route.produces ? { description: route.summary, content: { [route.produces]: {} } } : json(route.summary),
        401: problem,
        403: problem,
        404: problem,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Passerelle — Kairos connector (training organisations)',
      version: '1.0.0',
      description:
        'Every act of a training organisation (OF) on its sessions: recruitment modalities (ICO, RDVI, candidature windows), registrations, candidatures (Kairos NG), enrolment from entry to exit, registrant lists, dashboards and the fiche régionale. Bearer tokens stand for SIRETs; an OF acts only on sessions of its SIRETs.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
