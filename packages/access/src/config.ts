import { z } from '@passerelle/service-kit';
import { accessKeysSchema } from './keys.js';

/**
 * The settings of a runnable that verifies signed tokens, to merge into its config schema. Without
 * `ACCESS_JWT_KEYS` only its development tokens open it.
 */
export const accessConfigShape = (audience: string) => ({
  /** Verification keys, secret: never logged. Several during a rotation (see packages/access/README.md). */
  ACCESS_JWT_KEYS: accessKeysSchema,
  /** The `iss` every token must carry. */
  ACCESS_JWT_ISSUER: z.string().min(1).default('passerelle-access'),
  /** The `aud` every token must carry: a token for one runnable opens no other. */
  ACCESS_JWT_AUDIENCE: z.string().min(1).default(audience),
});
