import { createHash } from 'node:crypto';
import type { Follower } from '@passerelle/bus';
import {
  type HttpRequest,
  type HttpServer,
  idempotencyKeyHeader,
  idempotencyKeyOf,
  invalidRequest,
  json,
  located,
  problem,
  problems,
} from '@passerelle/service-kit';
import { keyDigest, type SubscriptionChanges } from '../webhooks/subscription-changes.js';
import {
  newSubscriptionId,
  secretOf,
  subscriptionIdFor,
  WEBHOOK_TYPES,
  type WebhookSubscriptionRecord,
  type WebhookSubscriptions,
} from '../webhooks/subscriptions.js';
import { deliveryAttempt, webhookSubscription, webhookSubscriptionWithSecret } from './contract.js';
import type { Caller, PrescriberTokens } from './prescriber-tokens.js';

export interface WebhookRoutesOptions {
  subscriptions: WebhookSubscriptions;
  /** The follower of the subscriptions topic: read-your-writes for an id any instance gave. */
  follower: Follower;
  changes: SubscriptionChanges;
  tokens: PrescriberTokens;
  secretKey: string;
  /** Development and tests: http on a loopback address is accepted too. */
  allowLoopback: boolean;
}

interface CreateBody {
  url: string;
  eventTypes?: string[];
}

const TAGS = { tags: ['Webhook subscriptions'] };
const BASE = '/webhooks/subscriptions';
const DELIVERIES_MAX_LIMIT = 100;
const READ_BARRIER_MS = 5000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const createBody = {
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 2048, description: 'https (http on loopback in development)' },
    eventTypes: {
      type: 'array',
      items: { type: 'string', enum: [...WEBHOOK_TYPES] },
      minItems: 1,
      uniqueItems: true,
      description: 'Default: every type',
    },
  },
};
const idParams = {
  type: 'object',
  required: ['subscriptionId'],
  properties: { subscriptionId: { type: 'string', maxLength: 64 } },
};
const denied = { 401: 'No or unknown token', 404: 'No such subscription of your organisation' };

/** The same 404 whether the id is unknown, deleted or another organisation's: nothing to learn about others. */
const notFound = () => problem(404, 'ouiform:unknown-subscription', 'Not Found', 'No such webhook subscription.');

const locationOf = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

const present = (subscription: WebhookSubscriptionRecord) => ({
  id: subscription.subscriptionId,
  url: subscription.url,
  eventTypes: subscription.eventTypes,
  state: subscription.state,
  pausedReason: subscription.pausedReason,
  createdAt: subscription.createdAt.toISOString(),
  previousSecretValidUntil: subscription.previousSecretUntil?.toISOString() ?? null,
});

/** Why a target URL is refused, or undefined: https only, or http on loopback where allowed. */
function urlProblem(text: string, allowLoopback: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && allowLoopback && LOOPBACK.has(url.hostname)) return undefined;
  return allowLoopback ? 'must be https, or http on a loopback address' : 'must be https';
}

/**
 * Webhook subscriptions by API: a prescriber organisation creates, lists, rotates the secret of, resumes and
 * deletes its own subscriptions, and reads their recent deliveries. Any token of the organisation may (an
 * observer IS is the typical subscriber). Changes go through the subscriptions topic, so every instance serves and
 * delivers them; the secret is shown only in the answers of a creation and a rotation.
 */
export function registerWebhookSubscriptionRoutes(http: HttpServer, options: WebhookRoutesOptions): void {
  const { subscriptions, follower, changes, tokens } = options;
  const caller = (request: HttpRequest) => tokens.authenticate(request.headers.authorization);
  // Authenticate before validating: an anonymous caller learns nothing, not even the body's shape.
  const onRequest = async (request: HttpRequest) => {
    caller(request);
  };
  const withSecret = (subscription: WebhookSubscriptionRecord) => ({
    ...present(subscription),
    secret: secretOf(options.secretKey, subscription.subscriptionId, subscription.secretNonce),
  });

  // Every read of one subscription first reads the topic up to its end: an id another instance gave a moment ago
  // answers, and a change made there a moment ago (a deletion, a pause) shows. Subscriptions are few and seldom read.
  const own = async (who: Caller, subscriptionId: string, { evenDeleted = false } = {}) => {
    await follower.barrier(READ_BARRIER_MS);
    const found = subscriptions.get(subscriptionId);
    if (!found || `${found.network}:${found.organisation}` !== who.owner) throw notFound();
    if (found.state === 'DELETED' && !evenDeleted) throw notFound();
    return found;
  };

  http.post<{ Body: CreateBody }>(
    BASE,
    {
      onRequest,
      config: { checkedByHand: { headers: idempotencyKeyHeader } },
      schema: {
        ...TAGS,
        operationId: 'createWebhookSubscription',
        summary: 'Subscribe your organisation to its follow-up by webhook; the answer shows the signing secret once',
        body: createBody,
        response: {
          200: located('Already created with this Idempotency-Key', webhookSubscriptionWithSecret),
          201: located('Created: deliveries start with what happens from now on', webhookSubscriptionWithSecret),
          ...problems({ 400: 'Invalid body', 401: denied[401], 422: 'Idempotency-Key used for another subscription' }),
        },
      },
    },
    async (request, reply) => {
      const who = caller(request);
      const idempotencyKey = idempotencyKeyOf(request.headers);
      const refused = urlProblem(request.body.url, options.allowLoopback);
      if (refused) throw invalidRequest([{ field: 'body.url', message: refused }], { detail: `body.url ${refused}` });
      const wanted = { url: request.body.url, eventTypes: request.body.eventTypes ?? [...WEBHOOK_TYPES] };
      if (idempotencyKey !== undefined) {
        const id = subscriptionIdFor(who.owner, idempotencyKey);
        const existing = await follower.find(() => subscriptions.get(id));
        if (existing) {
          const same =
            existing.idempotencyKey === keyDigest(idempotencyKey) &&
            existing.url === wanted.url &&
            JSON.stringify(existing.eventTypes) === JSON.stringify(wanted.eventTypes);
          if (!same || existing.state === 'DELETED') {
            const message = 'was used for another subscription';
            throw invalidRequest([{ field: 'headers.idempotency-key', message }], {
              status: 422,
              detail: `headers.idempotency-key ${message}`,
            });
          }
          return reply.status(200).header('location', locationOf(id)).send(withSecret(existing));
        }
      }
      const id = idempotencyKey === undefined ? newSubscriptionId() : subscriptionIdFor(who.owner, idempotencyKey);
      const created = await changes.create(id, who, wanted, idempotencyKey);
      request.log.info({ subscription: id }, 'webhook subscription created');
      return reply.status(201).header('location', locationOf(id)).send(withSecret(created));
    },
  );

  http.get(
    BASE,
    {
      onRequest,
      schema: {
        ...TAGS,
        operationId: 'listWebhookSubscriptions',
        summary: 'Your organisation’s webhook subscriptions',
        response: {
          200: json('The subscriptions, oldest first', {
            type: 'object',
            properties: { items: { type: 'array', items: webhookSubscription } },
          }),
          ...problems({ 401: denied[401] }),
        },
      },
    },
    async (request) => {
      const who = caller(request);
      // Caught up first: a subscription created on another instance a moment ago is listed.
      await follower.barrier(READ_BARRIER_MS);
      return { items: subscriptions.ownedBy(who.owner).map(present) };
    },
  );

  const oneSubscription = (
    operationId: string,
    summary: string,
    success: object,
    extra: object = {},
    schemaExtra: object = {},
  ) => ({
    onRequest,
    ...extra,
    schema: {
      ...TAGS,
      ...schemaExtra,
      operationId,
      summary,
      params: idParams,
      response: { ...success, ...problems({ 400: 'Invalid parameter', ...denied }) },
    },
  });
  type ById = { Params: { subscriptionId: string } };

  http.get<ById>(
    `${BASE}/:subscriptionId`,
    oneSubscription('getWebhookSubscription', 'A webhook subscription: its state (ACTIVE or PAUSED)', {
      200: json('The subscription', webhookSubscription),
    }),
    async (request) => present(await own(caller(request), request.params.subscriptionId)),
  );

  http.post<ById>(
    `${BASE}/:subscriptionId/rotate-secret`,
    oneSubscription(
      'rotateWebhookSecret',
      'A new signing secret, shown once; the previous one also signs for the grace period',
      { 200: json('The subscription with its new secret', webhookSubscriptionWithSecret) },
      { config: { checkedByHand: { headers: idempotencyKeyHeader } } },
    ),
    async (request) => {
      const who = caller(request);
      const idempotencyKey = idempotencyKeyOf(request.headers);
      const current = await own(who, request.params.subscriptionId);
      // With a key, the new nonce derives from it: a retried rotation finds it done and shows the same secret.
      const nonce =
        idempotencyKey === undefined
          ? undefined
          : createHash('sha256')
              .update(JSON.stringify([current.subscriptionId, 'rotate', idempotencyKey]))
              .digest('base64url')
              .slice(0, 22);
      if (nonce !== undefined && current.secretNonce === nonce) return withSecret(current);
      const rotated = await changes.rotate(current, who, nonce);
      request.log.info({ subscription: current.subscriptionId }, 'webhook secret rotated');
      return withSecret(rotated);
    },
  );

  http.post<ById>(
    `${BASE}/:subscriptionId/resume`,
    oneSubscription('resumeWebhookSubscription', 'Deliver again after a pause, from where delivery stopped', {
      200: json('The subscription, ACTIVE', webhookSubscription),
    }),
    async (request) => {
      const who = caller(request);
      const current = await own(who, request.params.subscriptionId);
      if (current.state === 'ACTIVE') return present(current);
      request.log.info({ subscription: current.subscriptionId }, 'webhook subscription resumed');
      return present(await changes.resume(current, who));
    },
  );

  http.delete<ById>(
    `${BASE}/:subscriptionId`,
    oneSubscription('deleteWebhookSubscription', 'Stop and forget the subscription', {
      204: { description: 'Deleted (or already): no more deliveries' },
    }),
    async (request, reply) => {
      const who = caller(request);
      // A retried DELETE (the first answer lost) is a 204 again, not a 404.
      const current = await own(who, request.params.subscriptionId, { evenDeleted: true });
      if (current.state !== 'DELETED') {
        await changes.delete(current, who);
        request.log.info({ subscription: current.subscriptionId }, 'webhook subscription deleted');
      }
      return reply.status(204).send();
    },
  );

  http.get<ById & { Querystring: { limit?: number } }>(
    `${BASE}/:subscriptionId/deliveries`,
    oneSubscription(
      'webhookDeliveries',
      'The recent delivery attempts, newest first (no payload)',
      {
        200: json('Recent attempts', {
          type: 'object',
          properties: { items: { type: 'array', items: deliveryAttempt } },
        }),
      },
      {},
      {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: DELIVERIES_MAX_LIMIT, default: 50 } },
        },
      },
    ),
    async (request) => {
      const who = caller(request);
      const subscription = await own(who, request.params.subscriptionId);
      const limit = request.query.limit ?? 50;
      return {
        items: subscriptions.deliveries(subscription.subscriptionId, limit).map((attempt) => ({
          webhookId: attempt.webhookId,
          attempt: attempt.attempt,
          outcome: attempt.outcome,
          statusCode: attempt.statusCode,
          errorCode: attempt.errorCode,
          latencyMs: attempt.latencyMs,
          attemptedAt: attempt.envelope.occurredAt.toISOString(),
          nextRetryBefore: attempt.nextRetryBefore?.toISOString() ?? null,
        })),
      };
    },
  );
}
