import type { PrescriberNetwork } from '@passerelle/schemas';
import { z } from '@passerelle/service-kit';

const NETWORKS = [
  'FRANCE_TRAVAIL',
  'MISSION_LOCALE',
  'CAP_EMPLOI',
  'REGION',
  'OTHER',
] as const satisfies readonly PrescriberNetwork[];

const ORGANISATION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const grantSchema = z.object({
  organisation: z.string().regex(ORGANISATION),
  network: z.enum(NETWORKS),
  roles: z.array(z.enum(['prescriber', 'observer'])).min(1),
});

const webhookSchema = z.object({
  /** Stable id: names the delivery's consumer group, whose committed offset is the delivery cursor. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/),
  organisation: z.string().regex(ORGANISATION),
  network: z.enum(NETWORKS),
  url: z.string().url(),
  /** HMAC-SHA256 key the receiver verifies signatures with. */
  secret: z.string().min(16),
});

function json<T extends z.ZodType>(schema: T, expected: string) {
  return z.string().transform((text, context): z.infer<T> => {
    try {
      return schema.parse(JSON.parse(text));
    } catch {
      context.addIssue({ code: 'custom', message: `must be ${expected}` });
      return z.NEVER;
    }
  });
}

export const ouiformConfigSchema = z.object({
  /**
   * Bearer tokens of prescribers, as JSON: `{ "<token>": { "organisation": "ML-NANTES", "network":
   * "MISSION_LOCALE", "roles": ["prescriber"] } }`. Secret: never logged.
   */
  OUIFORM_TOKENS: json(
    z.record(z.string().min(16), grantSchema),
    'a JSON object of tokens (16+ characters) to { organisation, network, roles: ["prescriber"|"observer"] }',
  ).transform((tokens) => new Map(Object.entries(tokens))),
  /**
   * Configured webhook subscriptions, as JSON: `[{ "id", "organisation", "network", "url", "secret" }]`, for
   * integrations agreed out of band before the subscriptions API (POST /webhooks/subscriptions), which is the way to
   * subscribe now. The id is the consumer group holding the delivery cursor. Secrets: never logged.
   */
  OUIFORM_WEBHOOKS: json(
    z.array(webhookSchema).refine((hooks) => new Set(hooks.map((hook) => hook.id)).size === hooks.length, {
      message: 'ids must be unique',
    }),
    'a JSON array of { id, organisation, network, url, secret (16+ characters) } with unique ids',
  ).default([]),
  /** The journey secret every producer shares (journeyIdFor). */
  JOURNEY_SECRET: z.string().min(16),
  /** How long POST /prescriptions waits for Kairos's decision before answering 202 with a Location to follow. */
  OUIFORM_DECISION_TIMEOUT_MS: z.coerce.number().int().min(0).default(3000),
  /** Webhook delivery: attempts per event before it goes to the delivery's dead-letter topic, and backoff bounds. */
  OUIFORM_WEBHOOK_MAX_RETRIES: z.coerce.number().int().min(0).default(15),
  OUIFORM_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(1000),
  OUIFORM_WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(1).default(300_000),
  OUIFORM_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  /**
   * Key the signing secrets of the subscriptions made by API are derived from (HMAC of the subscription id and a
   * nonce kept on the topic), so the topic holds no secret and every instance signs alike. Secret: never logged.
   */
  OUIFORM_WEBHOOK_SECRET_KEY: z.string().min(32),
  /** Consecutive failed attempts after which a subscription made by API is paused instead of retried on. */
  OUIFORM_WEBHOOK_PAUSE_AFTER: z.coerce.number().int().min(1).default(10),
  /** How long the previous secret still signs after a rotation (receivers swap keys within it). */
  OUIFORM_WEBHOOK_ROTATION_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(24 * 3600_000),
  /** Development and tests only: subscriptions may target http on a loopback address (else https only). */
  OUIFORM_WEBHOOK_ALLOW_LOOPBACK: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** Prefix of every topic the connector uses; only tests and rehearsals set it. */
  OUIFORM_TOPIC_PREFIX: z.string().default(''),
  /** Prefix of the webhook deliveries' consumer groups (instances of one deployment share them). */
  OUIFORM_GROUP_PREFIX: z.string().min(1).default('connector-ouiform'),
});

export type OuiformConfig = z.infer<typeof ouiformConfigSchema>;
export type WebhookSubscription = OuiformConfig['OUIFORM_WEBHOOKS'][number];
