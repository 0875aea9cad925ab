import { DE_IDENTIFIER_INPUT, MIN_DE_TOKEN_KEY_LENGTH } from '@passerelle/schemas';
import { z } from '@passerelle/service-kit';

const CHANNEL = z.enum(['AUDEF', 'OUIFORM', 'TMF', 'MA_FORMATION']);

/**
 * What a bearer token stands for: a channel's front end searching, a DE acting for himself, or a prescriber's
 * adviser positioning a DE from a prescriber tool (AUDEF: a France Travail adviser).
 */
export const tokenGrantSchema = z.discriminatedUnion('role', [
  z.object({
    role: z.literal('SEARCH'),
    /** Channels it may search (default: all). */
    channels: z.array(CHANNEL).min(1).optional(),
  }),
  z.object({
    role: z.literal('DE'),
    /** The DE the token authenticates (France Travail identifier). Personal data: never logged. */
    deIdentifier: z.string().regex(DE_IDENTIFIER_INPUT),
    /** Channels it acts on (default: every channel a DE may act on), as a signed DE token's `channels`. */
    channels: z.array(CHANNEL).min(1).optional(),
  }),
  z.object({
    role: z.literal('PRESCRIBER'),
    /** The prescriber network the adviser works in; AUDEF is France Travail's own tool. */
    prescriberNetwork: z.enum(['FRANCE_TRAVAIL', 'MISSION_LOCALE', 'CAP_EMPLOI', 'REGION', 'OTHER']),
    /** The prescriber structure (agency): it sees only the positionings it made. */
    organisation: z.string().min(1).max(200),
    /** Channels it acts on (default: every prescriber channel the catalogue takes positionings from). */
    channels: z.array(CHANNEL).min(1).optional(),
  }),
]);
export type TokenGrant = z.infer<typeof tokenGrantSchema>;

export const catalogueConfigSchema = z.object({
  /**
   * Static bearer tokens as JSON: `{ "<token>": { "role": "SEARCH", "channels"?: [...] } | { "role": "DE",
   * "deIdentifier": "…", "channels"?: [...] } | { "role": "PRESCRIBER", "prescriberNetwork": "FRANCE_TRAVAIL",
   * "organisation": "…", "channels"?: [...] } }`: the front ends' search tokens, AUDEF's advisers (one per agency),
   * and fixed DEs for tests and demos (a DE who logged in carries a signed DE token, see CATALOGUE_DE_TOKEN_KEY).
   * Secret: never logged.
   */
  CATALOGUE_TOKENS: z
    .string()
    .min(2)
    .transform((text, context) => {
      try {
        const parsed = z.record(z.string().min(16), tokenGrantSchema).parse(JSON.parse(text));
        return new Map(Object.entries(parsed));
      } catch {
        context.addIssue({
          code: 'custom',
          message:
            'must be a JSON object of tokens (16+ characters) to {"role":"SEARCH","channels"?:[…]}, {"role":"DE","deIdentifier":"…","channels"?:[…]} or {"role":"PRESCRIBER","prescriberNetwork":"…","organisation":"…","channels"?:[…]}',
        });
        return z.NEVER;
      }
    }),
  /**
   * Key of the signed DE tokens the channels' identity layer issues after a DE's login (`src/http/de-token.ts`).
   * Optional: without it, only the static tokens above are accepted. Secret: never logged.
   */
  CATALOGUE_DE_TOKEN_KEY: z.string().min(MIN_DE_TOKEN_KEY_LENGTH).optional(),
  /** The journey secret every producer shares (journeyIdFor). */
  JOURNEY_SECRET: z.string().min(16),
  /** How long a self-registration waits for Kairos's decision before answering 202 with a link to poll. */
  CATALOGUE_DECISION_TIMEOUT_MS: z.coerce.number().int().min(1).default(5000),
  /** Prefix of every topic the connector uses; only tests and rehearsals set it. */
  CATALOGUE_TOPIC_PREFIX: z.string().default(''),
  /** Consumer group of the listing projector (instances of one deployment share it). */
  CATALOGUE_GROUP_ID: z.string().min(1).default('connector-catalogue'),
});

export type CatalogueConfig = z.infer<typeof catalogueConfigSchema>;
