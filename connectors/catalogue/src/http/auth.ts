import { createHash } from 'node:crypto';
import type { ListingChannel } from '@passerelle/schemas';
import { bearerTokenOf, ProblemError, unauthorized } from '@passerelle/service-kit';
import type { TokenGrant } from '../config.js';
import { ruleOf } from '../projection/channel-rules.js';
import { isDeToken, verifyDeToken } from './de-token.js';

/** The prescriber channels whose positionings the catalogue takes (OUIFORM's come through the Ouiform connector). */
export const PRESCRIBER_CHANNELS: readonly ListingChannel[] = ['AUDEF'];

export type PrescriberGrant = Extract<TokenGrant, { role: 'PRESCRIBER' }>;

/** Who makes a positioning request, as the routes and the gateway see him. */
export type Requester =
  | { kind: 'DE'; deIdentifier: string }
  | { kind: 'PRESCRIBER'; network: PrescriberGrant['prescriberNetwork']; organisation: string };

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

const forbidden = (detail: string) =>
  new ProblemError({ type: 'urn:passerelle:problem:forbidden', title: 'Forbidden', status: 403, detail });

export interface CatalogueTokensOptions {
  /** Key of the signed DE tokens (`de-token.ts`); without it only the static tokens are accepted. */
  deTokenKey?: string;
  /** Now, for the expiry of signed DE tokens. */
  clock?: () => Date;
}

/**
 * Bearer tokens → what they may do: a static token (front ends, fixed DEs) or a signed DE token issued by a
 * channel's identity layer after the DE's login. Static tokens are looked up by SHA-256 digest, so neither the
 * lookup's timing nor a memory dump reveals one; signed ones are checked in constant time by `verifyDeToken`.
 */
export class CatalogueTokens {
  readonly #grants: Map<string, TokenGrant>;
  readonly #deTokenKey: string | undefined;
  readonly #clock: () => Date;

  constructor(
    tokens: ReadonlyMap<string, TokenGrant>,
    { deTokenKey, clock = () => new Date() }: CatalogueTokensOptions = {},
  ) {
    this.#grants = new Map([...tokens].map(([token, grant]) => [digest(token), grant]));
    this.#deTokenKey = deTokenKey;
    this.#clock = clock;
  }

  /**
   * The caller's grant, or a 401 problem — without detail (nothing to learn from it), except for a genuine signed
   * token past its expiry: the front end then knows to have the DE log in again.
   */
  grantOf(authorization: string | undefined): TokenGrant {
    const token = bearerTokenOf(authorization);
    if (token === undefined) throw unauthorized();
    const grant = this.#grants.get(digest(token));
    if (grant) return grant;
    if (this.#deTokenKey === undefined || !isDeToken(token)) throw unauthorized();
    const check = verifyDeToken(this.#deTokenKey, token, this.#clock());
    if (check.valid) {
      const { deIdentifier, channels } = check.claims;
      return { role: 'DE', deIdentifier, ...(channels ? { channels: [...channels] } : {}) };
    }
    if (check.reason === 'EXPIRED')
      throw new ProblemError({
        type: 'urn:passerelle:problem:unauthorized',
        title: 'Unauthorized',
        status: 401,
        detail: 'The DE token has expired: the DE logs in again.',
      });
    throw unauthorized();
  }

  /** A front end may search its channels; a DE searches the DE channels (prescriber tools are not his). */
  requireSearch(authorization: string | undefined, channel: ListingChannel): TokenGrant {
    const grant = this.#onChannel(this.grantOf(authorization), channel);
    if (grant.role === 'DE' && ruleOf(channel)?.audience !== 'DE')
      throw forbidden(`${channel} is a prescriber channel: a DE searches TMF or MA_FORMATION.`);
    return grant;
  }

  /** Self-registration: a DE's token, on a channel where a DE may act. */
  requireDe(authorization: string | undefined, channel: ListingChannel): { deIdentifier: string } {
    const grant = this.#onChannel(this.grantOf(authorization), channel);
    if (grant.role !== 'DE') throw forbidden('Only a DE registers himself: this token does not stand for a DE.');
    if (ruleOf(channel)?.audience !== 'DE')
      throw forbidden(`A DE does not register himself from ${channel}: a prescriber positions him there.`);
    return { deIdentifier: grant.deIdentifier.toUpperCase() };
  }

  /**
   * A positioning from a prescriber tool: an adviser's token on a channel the catalogue takes positionings from.
   * AUDEF is France Travail's advisers' tool, so only a France Travail prescriber acts there; OUIFORM's
   * prescriptions go through the Ouiform connector, not here.
   */
  requirePrescriber(authorization: string | undefined, channel: ListingChannel): PrescriberGrant {
    const grant = this.#onChannel(this.grantOf(authorization), channel);
    if (grant.role !== 'PRESCRIBER')
      throw forbidden(`Only a prescriber positions a DE from ${channel}: this token does not stand for one.`);
    if (!PRESCRIBER_CHANNELS.includes(channel))
      throw forbidden(`The catalogue takes no prescriber's positioning from ${channel}.`);
    if (grant.prescriberNetwork !== 'FRANCE_TRAVAIL')
      throw forbidden(`${channel} is France Travail's advisers' tool: this prescriber positions from Ouiform.`);
    return grant;
  }

  /** Whoever may act on a positioning of `channel`: its DE on a DE channel, its adviser on a prescriber one. */
  requireRequester(authorization: string | undefined, channel: ListingChannel): Requester {
    if (ruleOf(channel)?.audience === 'PRESCRIBER') {
      const grant = this.requirePrescriber(authorization, channel);
      return { kind: 'PRESCRIBER', network: grant.prescriberNetwork, organisation: grant.organisation };
    }
    return { kind: 'DE', ...this.requireDe(authorization, channel) };
  }

  /** A token naming its channels acts on those only, whatever it is for. */
  #onChannel(grant: TokenGrant, channel: ListingChannel): TokenGrant {
    const channels: readonly string[] | undefined = grant.channels;
    if (channels && !channels.includes(channel)) throw forbidden(`This token does not act on the ${channel} channel.`);
    return grant;
  }
}
