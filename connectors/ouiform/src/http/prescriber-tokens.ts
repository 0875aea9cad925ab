import { createHash } from 'node:crypto';
import { bearerTokenOf, problem, unauthorized } from '@passerelle/service-kit';
import { ownerOf, type Prescriber } from '../follow-up/follow-up-store.js';

/**
 * What a token may do. `prescriber`: search, prescribe, withdraw and follow its organisation's prescriptions (an
 * advisor's tool). `observer`: search and follow only (an information system mirroring the follow-up, e.g. i-milo).
 */
export type PrescriberRole = 'prescriber' | 'observer';

export interface PrescriberGrant extends Prescriber {
  roles: readonly PrescriberRole[];
}

export interface Caller extends PrescriberGrant {
  owner: string;
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Bearer tokens → the prescriber organisation (and network) they act for, with roles. Tokens are looked up by
 * their SHA-256 digest, so neither the lookup's timing nor a memory dump reveals them.
 */
export class PrescriberTokens {
  readonly #grants: Map<string, PrescriberGrant>;

  constructor(tokens: ReadonlyMap<string, PrescriberGrant>) {
    this.#grants = new Map([...tokens].map(([token, grant]) => [digest(token), grant]));
  }

  /** The caller, or a 401 problem; a 403 when the token lacks `role`. */
  authenticate(authorization: string | undefined, role?: PrescriberRole): Caller {
    const token = bearerTokenOf(authorization);
    const grant = token === undefined ? undefined : this.#grants.get(digest(token));
    if (!grant) throw unauthorized();
    if (role && !grant.roles.includes(role))
      throw problem(
        403,
        'ouiform:forbidden-role',
        'Forbidden',
        `This token may not do this (it needs the ${role} role).`,
      );
    return { ...grant, owner: ownerOf(grant) };
  }
}
