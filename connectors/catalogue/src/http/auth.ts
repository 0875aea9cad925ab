import { createHash } from 'node:crypto';
import type { ListingChannel } from '@passerelle/schemas';
import { ProblemError } from '@passerelle/service-kit';
import type { TokenGrant } from '../config.js';
import { ruleOf } from '../projection/channel-rules.js';

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const forbidden = (detail: string) =>
  new ProblemError({ type: 'urn:passerelle:problem:forbidden', title: 'Forbidden', status: 403, detail });

/**
 * Bearer tokens → what they may do. Looked up by SHA-256 digest, so neither the lookup's timing nor a memory dump
 * reveals a token.
 */
export class CatalogueTokens {
  readonly #grants: Map<string, TokenGrant>;

  constructor(tokens: ReadonlyMap<string, TokenGrant>) {
    this.#grants = new Map([...tokens].map(([token, grant]) => [digest(token), grant]));
  }

  /** The caller's grant, or a 401 problem (no detail: nothing to learn from it). */
  grantOf(authorization: string | undefined): TokenGrant {
    const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')?.[1];
    const grant = token === undefined ? undefined : this.#grants.get(digest(token));
    if (!grant)
      throw new ProblemError({ type: 'urn:passerelle:problem:unauthorized', title: 'Unauthorized', status: 401 });
    return grant;
  }

  /** A front end may search its channels; a DE searches the DE channels (prescriber tools are not his). */
  requireSearch(authorization: string | undefined, channel: ListingChannel): TokenGrant {
    const grant = this.grantOf(authorization);
    if (grant.role === 'SEARCH' && grant.channels && !grant.channels.includes(channel as never))
      throw forbidden(`This token does not search the ${channel} channel.`);
    if (grant.role === 'DE' && ruleOf(channel)?.audience !== 'DE')
      throw forbidden(`${channel} is a prescriber channel: a DE searches TMF or MA_FORMATION.`);
    return grant;
  }

  /** Self-registration: a DE's token, on a channel where a DE may act. */
  requireDe(authorization: string | undefined, channel: ListingChannel): { deIdentifier: string } {
    const grant = this.grantOf(authorization);
    if (grant.role !== 'DE') throw forbidden('Only a DE registers himself: this token does not stand for a DE.');
    if (ruleOf(channel)?.audience !== 'DE')
      throw forbidden(`A DE does not register himself from ${channel}: a prescriber positions him there.`);
    return { deIdentifier: grant.deIdentifier.toUpperCase() };
  }
}
