import { accessConfigShape } from '@passerelle/access';
import { z } from '@passerelle/service-kit';

const SIRET = /^\d{14}$/;

const principalSchema = z.union([
  z.object({ role: z.literal('ops') }),
  z.object({ role: z.literal('of'), sirets: z.array(z.string().regex(SIRET)).min(1) }),
]);

export type Principal = z.infer<typeof principalSchema>;

export const journeyConfigSchema = z.object({
  /** Signed tokens (JWT) and the grants of `access.grants.v1`: see packages/access. */
  ...accessConfigShape('service-journey'),
  /**
   * Development bearer tokens as JSON: `{ "<token>": { "role": "ops" } | { "role": "of", "sirets": ["<SIRET>", …] } }`. Ops see
   * every journey and may erase a DE; an OF sees the journeys of its sessions. Secret: never logged.
   */
  JOURNEY_TOKENS: z
    .string()
    .min(2)
    .transform((text, context) => {
      try {
        const parsed = z.record(z.string().min(16), principalSchema).parse(JSON.parse(text));
        return new Map(Object.entries(parsed));
      } catch {
        context.addIssue({
          code: 'custom',
          message:
            'must be a JSON object of tokens (16+ characters) to {"role":"ops"} or {"role":"of","sirets":[14-digit SIRETs]}',
        });
        return z.NEVER;
      }
    }),
  /** The journey secret every producer shares (journeyIdFor): how an erasure request finds the DE's journeys. */
  JOURNEY_SECRET: z.string().min(16),
  /** How often the vigilance sweep looks for files whose deadline passed. */
  JOURNEY_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /** How long POST /erasures waits for this instance to stop serving the erased journeys before answering 202. */
  JOURNEY_ERASURE_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  /** Prefix of every topic the service uses; only tests and rehearsals set it. */
  JOURNEY_TOPIC_PREFIX: z.string().default(''),
  /** Consumer group of the journey folder (instances of one deployment share it). */
  JOURNEY_GROUP_ID: z.string().min(1).default('service-journey'),
});

export type JourneyConfig = z.infer<typeof journeyConfigSchema>;
