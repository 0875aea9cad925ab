import { createHash } from 'node:crypto';
import { AccessResolver, type Grant, type GrantBook, TokenVerifier } from '@passerelle/access';
import { type Logger, problem } from '@passerelle/service-kit';
import type { JourneyConfig, Principal } from '../config.js';

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** What a grant opens on the journey API: ops everything, an OF its SIRETs' sessions; other roles nothing yet. */
export function principalOfGrant(grant: Grant): Principal | undefined {
  if (grant.role === 'OPS') return { role: 'ops' };
  if (grant.role === 'OF' && grant.sirets.length > 0) return { role: 'of', sirets: [...grant.sirets] };
  return undefined;
}

/**
 * Bearer tokens → who calls: ops, or an OF and its SIRETs. A signed JWT is verified and its subject's grant looked
 * up in the grants every instance follows (`@passerelle/access`); any other bearer is one of the development
 * tokens of `JOURNEY_TOKENS`, looked up by its SHA-256 digest, so neither the lookup's timing nor a memory dump
 * reveals them.
 */
export class JourneyTokens {
  readonly #principals: Map<string, Principal>;
  readonly #resolver: AccessResolver<Principal>;

  constructor(config: JourneyConfig, grants: GrantBook, log: Logger) {
    this.#principals = new Map([...config.JOURNEY_TOKENS].map(([token, principal]) => [digest(token), principal]));
    this.#resolver = new AccessResolver<Principal>({
      verifier: new TokenVerifier({
        keys: config.ACCESS_JWT_KEYS,
        issuer: config.ACCESS_JWT_ISSUER,
        audience: config.ACCESS_JWT_AUDIENCE,
      }),
      grants,
      principalOfGrant,
      devPrincipalOf: (token) => this.#principals.get(digest(token)),
      // The reason's kind only: the token, its subject's grant and the SIRETs stay out of the log.
      onRefused: (reason) => log.info({ reason }, 'bearer token refused'),
    });
  }

  /** The caller, or a 401 problem (no detail: nothing to learn from it), or a 403 when no grant is in force. */
  principalOf(authorization: string | undefined): Promise<Principal> {
    return this.#resolver.principalOf(authorization);
  }
}

export const forbidden = (detail: string) => problem(403, 'forbidden', 'Forbidden', detail);

/** Ops see every journey; an OF those of sessions where one of its SIRETs is responsible or delivering. */
export const maySee = (principal: Principal, organisationSirets: readonly string[]) =>
  principal.role === 'ops' || organisationSirets.some((siret) => principal.sirets.includes(siret));
