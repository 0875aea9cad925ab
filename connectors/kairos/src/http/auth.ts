import { createHash } from 'node:crypto';
import { bearerTokenOf, unauthorized } from '@passerelle/service-kit';

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Bearer tokens → the SIRETs an OF acts for. Tokens are looked up by their SHA-256 digest, so neither the lookup's
 * timing nor a memory dump reveals them.
 */
export class OfTokens {
  readonly #sirets: Map<string, readonly string[]>;

  constructor(tokens: ReadonlyMap<string, readonly string[]>) {
    this.#sirets = new Map([...tokens].map(([token, sirets]) => [digest(token), sirets]));
  }

  /** The SIRETs of the caller, or a 401 problem (no detail: nothing to learn from it). */
  siretsOf(authorization: string | undefined): readonly string[] {
    const token = bearerTokenOf(authorization);
    const sirets = token === undefined ? undefined : this.#sirets.get(digest(token));
    if (!sirets) throw unauthorized();
    return sirets;
  }
}

/** Bearer tokens → the France Travail agency an adviser acts for (the AIF quote decision), looked up by digest too. */
export class AdviserTokens {
  readonly #agencies: Map<string, string>;

  constructor(tokens: ReadonlyMap<string, string>) {
    this.#agencies = new Map([...tokens].map(([token, agency]) => [digest(token), agency]));
  }

  /** The adviser's agency, or a 401 problem. */
  agencyOf(authorization: string | undefined): string {
    const token = bearerTokenOf(authorization);
    const agency = token === undefined ? undefined : this.#agencies.get(digest(token));
    if (agency === undefined) throw unauthorized();
    return agency;
  }
}
