import { bearerTokenOf, problem, unauthorized } from '@passerelle/service-kit';
import type { Grant, GrantBook } from './grant-book.js';
import { InvalidTokenError, looksLikeJwt, type TokenVerifier } from './keys.js';

export interface AccessResolverOptions<Principal> {
  verifier: TokenVerifier;
  grants: GrantBook;
  /** What a grant in force lets its subject be on this runnable; undefined: its role opens nothing here (403). */
  principalOfGrant(grant: Grant): Principal | undefined;
  /** The development tokens from the environment (an opaque bearer that is not a JWT); undefined: unknown. */
  devPrincipalOf(token: string): Principal | undefined;
  /** Told why a token was refused (a kind, never the token), for the runnable's log. */
  onRefused?(reason: string): void;
  now?: () => Date;
}

const noGrant = () =>
  problem(
    403,
    'no-grant',
    'Forbidden',
    'This account holds no access in force here (never granted, revoked or expired).',
  );

/**
 * Bearer → who calls. A signed JWT is verified (signature by kid, exp, nbf, iss, aud), then its `sub` looked up in
 * the grants every instance follows: no grant, a revoked or an expired one is a 403. Anything else is looked up
 * among the development tokens. A bad token is a 401 with nothing to learn from it.
 */
export class AccessResolver<Principal> {
  readonly #options: AccessResolverOptions<Principal>;

  constructor(options: AccessResolverOptions<Principal>) {
    this.#options = options;
  }

  async principalOf(authorization: string | undefined): Promise<Principal> {
    const token = bearerTokenOf(authorization);
    if (token === undefined) throw unauthorized();
    if (!this.#options.verifier.enabled || !looksLikeJwt(token)) {
      const principal = this.#options.devPrincipalOf(token);
      if (principal === undefined) throw unauthorized();
      return principal;
    }
    let subject: string;
    try {
      ({ subject } = await this.#options.verifier.verify(token));
    } catch (error) {
      this.#options.onRefused?.(error instanceof InvalidTokenError ? error.reason : 'unverifiable');
      throw unauthorized();
    }
    const grant = this.#options.grants.grantOf(subject, this.#options.now?.() ?? new Date());
    const principal = grant && this.#options.principalOfGrant(grant);
    if (principal === undefined) {
      this.#options.onRefused?.('no grant in force');
      throw noGrant();
    }
    return principal;
  }
}
