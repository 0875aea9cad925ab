import { fastifySwagger } from '@fastify/swagger';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import { PROBLEM_MEDIA_TYPE, problemSchema } from './problem.js';

/**
 * The HTTP contracts, generated: every runnable's OpenAPI document is built by @fastify/swagger from the schemas of
 * the routes it registered, so the document cannot drift from what the server validates. This module is the only
 * place that knows @fastify/swagger; a runnable only says who it is (`serveOpenApi`).
 */

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

/** Request parts a handler checks itself (its order or answer differ from fastify's validation): shown, not validated. */
export interface CheckedByHand {
  params?: object;
  querystring?: object;
  headers?: object;
  body?: object;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** See `CheckedByHand`. */
    checkedByHand?: CheckedByHand;
  }
}

export interface RegisteredRoute {
  method: string;
  url: string;
  /** The probes, metrics, consumer status and this document, the same in every runnable: left out of its contract. */
  operational: boolean;
}

const OPERATIONAL = /^\/(healthz|readyz|metrics|openapi\.json|status\/consumers)(\/|$)/;

const registered = new WeakMap<FastifyInstance, RegisteredRoute[]>();

type JsonObjectSchema = { properties?: Record<string, unknown>; required?: readonly string[] };

/** Two object schemas as one (what fastify validates plus what the handler checks). */
function mergeObjects(validated: unknown, byHand: unknown) {
  if (!validated) return byHand;
  const a = validated as JsonObjectSchema;
  const b = byHand as JsonObjectSchema;
  return {
    ...a,
    ...b,
    properties: { ...a.properties, ...b.properties },
    required: [...new Set([...(a.required ?? []), ...(b.required ?? [])])],
  };
}

/**
 * What the document shows of a route: its schema, the parts its handler checks by hand, and the answer any route
 * may give besides its own (the error handler's 500, or 503 on a retriable failure).
 */
function documentedSchema(schema: FastifySchema | undefined, byHand: CheckedByHand | undefined): FastifySchema {
  const merged: Record<string, unknown> = { ...schema };
  for (const [part, partSchema] of Object.entries(byHand ?? {}))
    merged[part] = mergeObjects((schema as Record<string, unknown> | undefined)?.[part], partSchema);
  if (merged.response)
    merged.response = {
      default: problemResponse('Any other failure: 500, or 503 with Retry-After when it is worth retrying'),
      ...(merged.response as object),
    };
  return merged as FastifySchema;
}

/**
 * Makes `app` describe itself. Applied at once (not through `register`, which loads on a later tick): the runnables
 * add most routes synchronously right after the server is created, and the generator sees only the routes added
 * after its hook. Response schemas document; `createHttpServer` keeps them from filtering what is sent.
 */
export function describeRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route: RouteOptions) => {
    const operational = OPERATIONAL.test(route.url);
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url, operational });
  });
  fastifySwagger(
    app,
    {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Passerelle', version: '1' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearer: [] }],
      },
      transform: ({ schema, url, route }) => ({
        schema: OPERATIONAL.test(url)
          ? { ...schema, hide: true }
          : documentedSchema(schema, route.config?.checkedByHand),
        url,
      }),
    },
    (error) => {
      if (error) throw error;
    },
  );
}

/** Every route the server registered (HEAD routes fastify adds to each GET left out): what the document must list. */
export const registeredRoutes = (app: FastifyInstance): readonly RegisteredRoute[] => registered.get(app) ?? [];

/**
 * `GET /openapi.json`: the runnable's OpenAPI 3.1 document, generated from its routes on the first request (every
 * route is registered by then). Public: an integrator reads the contract before holding a token. `webhooks` are
 * the calls the runnable makes (OpenAPI 3.1), which no route of its own describes.
 */
export function serveOpenApi(app: FastifyInstance, info: OpenApiInfo, webhooks?: Record<string, unknown>): void {
  let document: Record<string, unknown> | undefined;
  app.get(
    '/openapi.json',
    {
      logLevel: 'warn',
      schema: {
        summary: 'This API as an OpenAPI 3.1 document, generated from the route schemas',
        tags: ['Contract'],
        security: [],
        response: { 200: json('The OpenAPI document') },
      },
    },
    async () => {
      document ??= {
        ...(app.swagger() as unknown as Record<string, unknown>),
        info,
        ...(webhooks ? { webhooks } : {}),
      };
      return document;
    },
  );
}

const anyObject = { type: 'object', additionalProperties: true } as const;

/** A JSON answer (`schema`: its shape; by default any object). */
export const json = (description: string, schema: object = anyObject) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A JSON answer with a `Location` header (what to follow or poll). */
export const located = (description: string, schema: object = anyObject, location = 'Where to follow it') => ({
  ...json(description, schema),
  headers: { location: { type: 'string', description: location } },
});

/** A file answer (PDF, CSV). */
export const file = (description: string, mediaType: string) => ({
  description,
  content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } },
});

/** A problem+json answer. */
export const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_MEDIA_TYPE]: { schema: problemSchema } },
});

/** The problem+json answers of a route, by status. */
export const problems = (described: Record<number, string>) =>
  Object.fromEntries(Object.entries(described).map(([status, description]) => [status, problemResponse(description)]));
