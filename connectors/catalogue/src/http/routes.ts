import { renderPdf } from '@passerelle/documents';
import {
  isOpenOn,
  type SearchParameters,
  searchParameterError,
  searchParametersSchema,
  toListingQuery,
} from '@passerelle/listing-index';
import type { ListingChannel, ListingPublished, ModalityKind } from '@passerelle/schemas';
import {
  file,
  type HttpServer,
  idempotencyKeyHeader,
  idempotencyKeyOf,
  invalidRequest,
  json,
  located,
  problem,
  problems,
  serveOpenApi,
} from '@passerelle/service-kit';
import { confirmationLetter } from '../positioning/confirmation-letter.js';
import type { Decision } from '../positioning/decision.js';
import type { SelfRegistrationGateway } from '../positioning/gateway.js';
import type { SelfRegistration } from '../positioning/self-registrations.js';
import { CHANNELS } from '../projection/channel-rules.js';
import type { ChannelListings } from '../search/channel-listings.js';
import { listingToday, parisToday } from '../time.js';
import type { CatalogueTokens } from './auth.js';

export interface CatalogueRoutesOptions {
  tokens: CatalogueTokens;
  listings: ChannelListings;
  gateway: SelfRegistrationGateway;
  decisionTimeoutMs: number;
  clock: () => Date;
}

const channelParams = {
  type: 'object',
  required: ['channel'],
  properties: { channel: { type: 'string', enum: CHANNELS } },
} as const;

const sessionParams = {
  type: 'object',
  required: ['channel', 'sessionKey'],
  properties: {
    channel: { type: 'string', enum: CHANNELS },
    sessionKey: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const positioningParams = {
  type: 'object',
  required: ['channel', 'sessionKey', 'requestId'],
  properties: { ...sessionParams.properties, requestId: { type: 'string', pattern: '^CAT-[0-9a-f-]{36}$' } },
} as const;

const positioningBody = {
  type: 'object',
  additionalProperties: false,
  required: ['firstName', 'lastName'],
  properties: {
    modalityId: { type: 'string', minLength: 1, maxLength: 100 },
    modalityKind: { type: 'string', enum: ['ICO', 'RDVI', 'CANDIDATURE_WINDOW'] },
    firstName: { type: 'string', minLength: 1, maxLength: 100 },
    lastName: { type: 'string', minLength: 1, maxLength: 100 },
    email: { type: 'string', format: 'email', maxLength: 200 },
    phone: { type: 'string', pattern: '^\\+?[0-9 .-]{6,20}$' },
  },
} as const;

interface PositioningBody {
  modalityId?: string;
  modalityKind?: ModalityKind;
  firstName: string;
  lastName: string;
  email?: string;
  phone?: string;
}

const INFO = {
  title: 'Passerelle — catalogue channels',
  version: '1',
  description:
    'The listing of each catalogue channel (AUDEF, OUIFORM, TMF, MA_FORMATION) with its open modalities and places left, its search, and the DE self-registration of TMF and Ma Formation (a signed DE token or a static one).',
};
const SEARCH = { tags: ['Search'] };
const POSITIONING = { tags: ['Self-registration'] };
const denied = { 401: 'No, unknown or expired token', 403: 'This token does not act on this channel' };
const loading = { 503: 'Still loading its listings or self-registrations at start: retry' };
const positioningSchema = (summary: string, answers: object) => ({
  schema: {
    ...POSITIONING,
    summary,
    params: positioningParams,
    response: {
      ...answers,
      ...problems({ 400: 'Unknown channel or malformed id', ...denied, 404: 'No such positioning', ...loading }),
    },
  },
});

const invalid = (field: string, message: string) => invalidRequest([{ field, message }]);

const notFound = (detail: string) => problem(404, 'not-found', 'Not Found', detail);

/** A listing as a channel's reader sees it on `today`: without envelope, with only the modalities still open. */
export function listingView(listing: ListingPublished, today: string) {
  const { envelope, ...body } = listing;
  return {
    ...body,
    modalities: listing.modalities.filter((modality) => isOpenOn(modality, today)),
    updatedAt: envelope.recordedAt,
  };
}

const positioningPath = (channel: string, sessionKey: string, requestId: string) =>
  `/channels/${channel}/sessions/${encodeURIComponent(sessionKey)}/positionings/${requestId}`;

function positioningView(registration: SelfRegistration) {
  const { channel, target, requestId } = registration;
  const self = positioningPath(channel, target.sessionKey, requestId);
  const decision: Decision | null = registration.decision;
  return {
    requestId,
    channel,
    sessionKey: target.sessionKey,
    modalityKind: target.modalityKind,
    requestedAt: registration.requestedAt,
    status:
      registration.withdrawnAt !== null
        ? 'WITHDRAWN'
        : decision === null
          ? 'PENDING'
          : decision.outcome === 'REFUSED'
            ? 'REFUSED'
            : 'ACCEPTED',
    withdrawnAt: registration.withdrawnAt,
    decision,
    // The convocation (date, time, place, what to bring, version): gone once the DE withdrew.
    invitation: registration.withdrawnAt === null ? registration.invitation : null,
    links: {
      self,
      ...(decision?.outcome === 'CANDIDATURE_RECEIVED' && registration.withdrawnAt === null
        ? { letter: `${self}/letter` }
        : {}),
    },
  };
}

export function registerCatalogueRoutes(http: HttpServer, options: CatalogueRoutesOptions) {
  const { tokens, listings, gateway, clock } = options;
  serveOpenApi(http, INFO);

  const unavailable = (detail: string) => problem(503, 'unavailable', 'Service Unavailable', detail);
  const requireReady = () => {
    if (!listings.ready) throw unavailable('The catalogue is still loading its listings.');
  };
  /** Positionings are answered once the requests made before start are known (polls, retried POSTs). */
  const requirePositioningsReady = () => {
    requireReady();
    if (!gateway.ready) throw unavailable('The catalogue is still loading the self-registrations.');
  };

  http.get(
    '/channels/:channel/sessions',
    {
      schema: {
        ...SEARCH,
        summary: "Search a channel's listing (only the modalities open today)",
        params: channelParams,
        querystring: searchParametersSchema,
        response: { 200: json('A page of listings'), ...problems({ 400: 'Invalid parameter', ...denied, ...loading }) },
      },
    },
    async (request) => {
      const { channel } = request.params as { channel: ListingChannel };
      tokens.requireSearch(request.headers.authorization, channel);
      requireReady();
      const parameters = request.query as SearchParameters;
      const error = searchParameterError(parameters);
      if (error) throw invalidRequest([error]);
      const today = parisToday(clock());
      const page = listings.search(channel, toListingQuery(parameters, today));
      return {
        channel,
        today,
        total: page.total,
        page: page.page,
        pageSize: page.pageSize,
        results: page.hits.map((hit) => ({
          ...listingView(hit.listing, listingToday(hit.listing, clock())),
          ...(hit.score === null ? {} : { score: Number(hit.score.toFixed(4)) }),
          ...(hit.distanceKm === null ? {} : { distanceKm: Number(hit.distanceKm.toFixed(2)) }),
        })),
      };
    },
  );

  http.get(
    '/channels/:channel/sessions/:sessionKey',
    {
      schema: {
        ...SEARCH,
        summary: 'One listing of a channel',
        params: sessionParams,
        response: {
          200: json('The listing'),
          ...problems({ 400: 'Unknown channel', ...denied, 404: 'Not on this channel', ...loading }),
        },
      },
    },
    async (request) => {
      const { channel, sessionKey } = request.params as { channel: ListingChannel; sessionKey: string };
      tokens.requireSearch(request.headers.authorization, channel);
      requireReady();
      const listing = listings.get(channel, sessionKey);
      if (!listing) throw notFound(`No session ${sessionKey} on ${channel}.`);
      return listingView(listing, listingToday(listing, clock()));
    },
  );

  http.post(
    '/channels/:channel/sessions/:sessionKey/positionings',
    {
      schema: {
        ...POSITIONING,
        summary: 'A DE registers himself on an ICO/RDVI or sends a candidature (his identifier comes from the token)',
        params: sessionParams,
        body: positioningBody,
        response: {
          200: located('Kairos decided within the wait: ACCEPTED or REFUSED', undefined, 'The positioning'),
          202: located('Kairos has not decided yet: PENDING, poll the Location', undefined, 'The positioning'),
          ...problems({
            400: 'Invalid request: `errors[].field` names it',
            ...denied,
            404: 'No such session',
            ...loading,
          }),
        },
      },
      config: { checkedByHand: { headers: idempotencyKeyHeader } },
    },
    async (request, reply) => {
      const { channel, sessionKey } = request.params as { channel: ListingChannel; sessionKey: string };
      const { deIdentifier } = tokens.requireDe(request.headers.authorization, channel);
      const idempotencyKey = idempotencyKeyOf(request.headers);
      requirePositioningsReady();
      const body = request.body as PositioningBody;
      const listing = listings.get(channel, sessionKey);
      if (!listing) throw notFound(`No session ${sessionKey} on ${channel}.`);
      let modalityKind = body.modalityKind;
      if (body.modalityId !== undefined) {
        const modality = listing.modalities.find((candidate) => candidate.modalityId === body.modalityId);
        if (!modality)
          throw invalid('body.modalityId', `The session has no modality ${body.modalityId} on ${channel}.`);
        if (modalityKind !== undefined && modalityKind !== modality.kind)
          throw invalid('body.modalityKind', `Modality ${body.modalityId} is a ${modality.kind}.`);
        modalityKind = modality.kind;
      }
      if (modalityKind === undefined) throw invalid('body.modalityId', 'Name a modalityId or a modalityKind.');

      const { registration, decision } = await gateway.register(
        {
          channel,
          sessionKey,
          modalityKind,
          modalityId: body.modalityId ?? null,
          de: {
            deIdentifier,
            firstName: body.firstName,
            lastName: body.lastName,
            email: body.email ?? null,
            phone: body.phone ?? null,
          },
        },
        options.decisionTimeoutMs,
        idempotencyKey,
      );
      const view = positioningView(registration);
      request.log.info({ requestId: registration.requestId, channel, status: view.status }, 'self-registration');
      void reply.header('location', view.links.self);
      return reply.status(decision === null ? 202 : 200).send(view);
    },
  );

  const ownRegistration = async (request: {
    params: unknown;
    headers: { authorization?: string };
  }): Promise<SelfRegistration> => {
    const { channel, sessionKey, requestId } = request.params as {
      channel: ListingChannel;
      sessionKey: string;
      requestId: string;
    };
    const { deIdentifier } = tokens.requireDe(request.headers.authorization, channel);
    requirePositioningsReady();
    const registration = await gateway.find(requestId);
    if (!registration || registration.channel !== channel || registration.target.sessionKey !== sessionKey)
      throw notFound(`No positioning ${requestId} on this session.`);
    if (registration.journeyId !== gateway.journeyIdOf(deIdentifier, sessionKey))
      throw problem(403, 'forbidden', 'Forbidden', 'This positioning belongs to another DE.');
    return registration;
  };

  http.get(
    '/channels/:channel/sessions/:sessionKey/positionings/:requestId',
    positioningSchema('A positioning of the DE, with its decision', { 200: json('The positioning') }),
    async (request) => positioningView(await ownRegistration(request)),
  );

  /**
   * The DE cancels his own registration or contact request (domain.md G4 [D]: through the catalogue, until the day
   * before the appointment). Kairos, the single writer of the session, cancels what the request created.
   * Idempotent: a request already withdrawn is answered as it stands, nothing published; a withdrawal published
   * twice (two instances at once) is harmless, Kairos cancels only what is still active.
   */
  http.delete(
    '/channels/:channel/sessions/:sessionKey/positionings/:requestId',
    positioningSchema('The DE withdraws his request (an ICO/RDVI until the day before the appointment)', {
      202: json('Withdrawn (or already): the positioning'),
      ...problems({ 409: 'Refused, or too late to withdraw' }),
    }),
    async (request, reply) => {
      const registration = await ownRegistration(request);
      const conflict = (detail: string) => problem(409, 'cannot-withdraw', 'Conflict', detail);
      if (registration.withdrawnAt === null) {
        const decision = registration.decision;
        if (decision?.outcome === 'REFUSED') throw conflict('The request was refused: there is nothing to withdraw.');
        if (decision?.outcome === 'REGISTERED') {
          const listing = listings.get(registration.channel as ListingChannel, registration.target.sessionKey);
          const date = listing?.modalities.find((modality) => modality.modalityId === decision.modalityId)?.date;
          if (date && listing && date <= listingToday(listing, clock()))
            throw conflict('A registration is cancelled from the catalogue until the day before the appointment.');
        }
        await gateway.withdraw(registration);
        request.log.info({ requestId: registration.requestId }, 'self-registration withdrawn');
      }
      return reply.status(202).send(positioningView(registration));
    },
  );

  http.get(
    '/channels/:channel/sessions/:sessionKey/positionings/:requestId/letter',
    positioningSchema('The confirmation letter of a candidature received (PDF)', {
      200: file('The letter', 'application/pdf'),
      ...problems({ 409: 'No letter: not a received candidature, or withdrawn' }),
    }),
    async (request, reply) => {
      const registration = await ownRegistration(request);
      if (registration.decision?.outcome !== 'CANDIDATURE_RECEIVED' || registration.withdrawnAt !== null)
        throw problem(
          409,
          'no-letter',
          'Conflict',
          registration.withdrawnAt !== null
            ? 'The request was withdrawn.'
            : registration.decision === null
              ? 'Kairos has not decided yet: the letter comes with a received candidature.'
              : 'A confirmation letter is given for a contact request received on a candidature window.',
        );
      const listing = listings.get(registration.channel as ListingChannel, registration.target.sessionKey) ?? null;
      const pdf = await renderPdf(confirmationLetter(registration, listing));
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="confirmation-${registration.requestId}.pdf"`)
        .send(pdf);
    },
  );
}
