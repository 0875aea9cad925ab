import { z } from '@passerelle/service-kit';

const SIRET = /^\d{14}$/;

export const kairosConfigSchema = z.object({
  /**
   * Bearer tokens of training organisations, as JSON: `{ "<token>": ["<SIRET>", …] }`. An OF acts only on sessions
   * where one of its SIRETs is the responsible or a delivering organisation. Secret: never logged.
   */
  KAIROS_TOKENS: z
    .string()
    .min(2)
    .transform((text, context) => {
      try {
        const parsed = z.record(z.string().min(16), z.array(z.string().regex(SIRET)).min(1)).parse(JSON.parse(text));
        return new Map(Object.entries(parsed));
      } catch {
        context.addIssue({
          code: 'custom',
          message: 'must be a JSON object of tokens (16+ characters) to non-empty arrays of 14-digit SIRETs',
        });
        return z.NEVER;
      }
    }),
  /**
   * Bearer tokens of France Travail advisers, as JSON: `{ "<token>": "<agency>" }`. An adviser only validates or
   * refuses AIF quotes (issue 15); the agency names the actor of the decision. Secret: never logged.
   */
  KAIROS_ADVISER_TOKENS: z
    .string()
    .default('{}')
    .transform((text, context) => {
      try {
        const parsed = z.record(z.string().min(16), z.string().min(1).max(200)).parse(JSON.parse(text));
        return new Map(Object.entries(parsed));
      } catch {
        context.addIssue({
          code: 'custom',
          message: 'must be a JSON object of tokens (16+ characters) to the France Travail agency they stand for',
        });
        return z.NEVER;
      }
    }),
  /** The journey secret every producer shares (journeyIdFor): an OF's registration gets the same journey id as Ouiform's. */
  JOURNEY_SECRET: z.string().min(16),
  /** How long an HTTP act waits for its outcome before answering 202 with a Location to poll. */
  KAIROS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(1).default(5000),
  /** Prefix of every topic the connector uses; only tests and rehearsals set it. */
  KAIROS_TOPIC_PREFIX: z.string().default(''),
  /** How often the deadline sweep looks for waiting lists to expire (G11) and planned ends passed (G16). */
  KAIROS_DEADLINE_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /** Consumer group of the single writer (instances of one deployment share it). */
  KAIROS_GROUP_ID: z.string().min(1).default('connector-kairos'),
});

export type KairosConfig = z.infer<typeof kairosConfigSchema>;
