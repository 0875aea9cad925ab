import { createHash } from 'node:crypto';
import { bearerTokenOf, problem, unauthorized } from '@passerelle/service-kit';
import type { Principal } from '../config.js';

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Bearer tokens → who calls: ops, or an OF and its SIRETs. Tokens are looked up by their SHA-256 digest, so neither
 * the lookup's timing nor a memory dump reveals them.
 */
export class JourneyTokens {
  readonly #principals: Map<string, Principal>;

  constructor(tokens: ReadonlyMap<string, Principal>) {
    this.#principals = new Map([...tokens].map(([token, principal]) => [digest(token), principal]));
  }

  /** The caller, or a 401 problem (no detail: nothing to learn from it). */
  principalOf(authorization: string | undefined): Principal {
    const token = bearerTokenOf(authorization);
    const principal = token === undefined ? undefined : this.#principals.get(digest(token));
    if (!principal) throw unauthorized();
    return principal;
  }
}

export const forbidden = (detail: string) => problem(403, 'forbidden', 'Forbidden', detail);

/** Ops see every journey; an OF those of sessions where one of its SIRETs is responsible or delivering. */
export const maySee = (principal: Principal, organisationSirets: readonly string[]) =>
  principal.role === 'ops' || organisationSirets.some((siret) => principal.sirets.includes(siret));
