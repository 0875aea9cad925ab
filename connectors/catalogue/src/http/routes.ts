import { renderPdf } from '@passerelle/documents';
import { isOpenOn, type ListingQuery, MAX_PAGE_SIZE, type SortOrder } from '@passerelle/listing-index';
import type { ListingChannel, ListingPublished, ModalityKind } from '@passerelle/schemas';
import { type HttpServer, idempotencyKeyOf, ProblemError } from '@passerelle/service-kit';
import { confirmationLetter } from '../positioning/confirmation-letter.js';
import type { Decision } from '../positioning/decision.js';
import type { SelfRegistrationGateway } from '../positioning/gateway.js';
import type { SelfRegistration } from '../positioning/self-registrations.js';
import { CHANNELS } from '../projection/channel-rules.js';
import type { ChannelListings } from '../search/channel-listings.js';
import { parisToday } from '../time.js';
import type { CatalogueTokens } from './auth.js';

export interface CatalogueRoutesOptions {
  tokens: CatalogueTokens;
  listings: ChannelListings;
  gateway: SelfRegistrationGateway;
  decisionTimeoutMs: number;
  clock: () => Date;
}

const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const list = (item: string) => `^${item}(,${item})*$`;

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

/** Search parameters (validated by the route schema: a bad one is a 400 problem naming `querystring.<name>`). */
const searchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 200 },
    department: { type: 'string', pattern: list('(\\d{2,3}|2[AB])') },
    lat: { type: 'number', minimum: -90, maximum: 90 },
    lon: { type: 'number', minimum: -180, maximum: 180 },
    radiusKm: { type: 'number', exclusiveMinimum: 0, maximum: 1000 },
    startFrom: { type: 'string', pattern: DATE },
    startTo: { type: 'string', pattern: DATE },
    formacode: { type: 'string', pattern: list('\\d{5}') },
    rome: { type: 'string', pattern: list('[A-N]\\d{4}') },
    funder: { type: 'string', pattern: list('\\d{1,3}') },
    modality: { type: 'string', enum: ['ICO', 'RDVI', 'CANDIDATURE_WINDOW'] },
    placesAvailable: { type: 'boolean' },
    sort: { type: 'string', enum: ['relevance', 'date', 'distance'] },
    page: { type: 'integer', minimum: 1, maximum: 10_000 },
    pageSize: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE },
  },
} as const;

interface SearchParameters {
  q?: string;
  department?: string;
  lat?: number;
  lon?: number;
  radiusKm?: number;
  startFrom?: string;
  startTo?: string;
  formacode?: string;
  rome?: string;
  funder?: string;
  modality?: ModalityKind;
  placesAvailable?: boolean;
  sort?: SortOrder;
  page?: number;
  pageSize?: number;
}

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

const invalid = (field: string, message: string) =>
  new ProblemError({
    type: 'urn:passerelle:problem:validation',
    title: 'Invalid request',
    status: 400,
    detail: message,
    errors: [{ field, message }],
  });

const notFound = (detail: string) =>
  new ProblemError({ type: 'urn:passerelle:problem:not-found', title: 'Not Found', status: 404, detail });

/** Query parameters → index query, with the rules a schema cannot say (pairs, a sort that needs a point). */
export function toListingQuery(parameters: SearchParameters, today: string): ListingQuery {
  if ((parameters.lat === undefined) !== (parameters.lon === undefined))
    throw invalid(parameters.lat === undefined ? 'querystring.lat' : 'querystring.lon', 'lat and lon go together');
  if (parameters.radiusKm !== undefined && parameters.lat === undefined)
    throw invalid('querystring.radiusKm', 'radiusKm needs lat and lon');
  if (parameters.sort === 'distance' && parameters.lat === undefined)
    throw invalid('querystring.sort', 'sorting by distance needs lat and lon');
  if (parameters.sort === 'relevance' && !parameters.q)
    throw invalid('querystring.sort', 'sorting by relevance needs a text query (q)');
  if (parameters.startFrom && parameters.startTo && parameters.startFrom > parameters.startTo)
    throw invalid('querystring.startTo', 'startTo is before startFrom');
  const split = (value: string | undefined) => (value ? value.split(',') : undefined);
  return {
    today,
    text: parameters.q,
    departments: split(parameters.department),
    near:
      parameters.lat !== undefined && parameters.lon !== undefined
        ? { latitude: parameters.lat, longitude: parameters.lon, radiusKm: parameters.radiusKm ?? 30 }
        : undefined,
    startFrom: parameters.startFrom,
    startTo: parameters.startTo,
    formacodes: split(parameters.formacode),
    romeCodes: split(parameters.rome),
    funders: split(parameters.funder)?.map(Number),
    modality: parameters.modality,
    placesAvailable: parameters.placesAvailable,
    sort: parameters.sort,
    page: parameters.page,
    pageSize: parameters.pageSize,
  };
}

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

  const unavailable = (detail: string) =>
    new ProblemError({ type: 'urn:passerelle:problem:unavailable', title: 'Service Unavailable', status: 503, detail });
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
    { schema: { params: channelParams, querystring: searchQuery } },
    async (request) => {
      const { channel } = request.params as { channel: ListingChannel };
      tokens.requireSearch(request.headers.authorization, channel);
      requireReady();
      const today = parisToday(clock());
      const page = listings.search(channel, toListingQuery(request.query as SearchParameters, today));
      return {
        channel,
        today,
        total: page.total,
        page: page.page,
        pageSize: page.pageSize,
        results: page.hits.map((hit) => ({
          ...listingView(hit.listing, today),
          ...(hit.score === null ? {} : { score: Number(hit.score.toFixed(4)) }),
          ...(hit.distanceKm === null ? {} : { distanceKm: Number(hit.distanceKm.toFixed(2)) }),
        })),
      };
    },
  );

  http.get('/channels/:channel/sessions/:sessionKey', { schema: { params: sessionParams } }, async (request) => {
    const { channel, sessionKey } = request.params as { channel: ListingChannel; sessionKey: string };
    tokens.requireSearch(request.headers.authorization, channel);
    requireReady();
    const listing = listings.get(channel, sessionKey);
    if (!listing) throw notFound(`No session ${sessionKey} on ${channel}.`);
    return listingView(listing, parisToday(clock()));
  });

  http.post(
    '/channels/:channel/sessions/:sessionKey/positionings',
    { schema: { params: sessionParams, body: positioningBody } },
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
      throw new ProblemError({
        type: 'urn:passerelle:problem:forbidden',
        title: 'Forbidden',
        status: 403,
        detail: 'This positioning belongs to another DE.',
      });
    return registration;
  };

  http.get(
    '/channels/:channel/sessions/:sessionKey/positionings/:requestId',
    { schema: { params: positioningParams } },
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
    { schema: { params: positioningParams } },
    async (request, reply) => {
      const registration = await ownRegistration(request);
      const conflict = (detail: string) =>
        new ProblemError({ type: 'urn:passerelle:problem:cannot-withdraw', title: 'Conflict', status: 409, detail });
      if (registration.withdrawnAt === null) {
        const decision = registration.decision;
        if (decision?.outcome === 'REFUSED') throw conflict('The request was refused: there is nothing to withdraw.');
        if (decision?.outcome === 'REGISTERED') {
          const listing = listings.get(registration.channel as ListingChannel, registration.target.sessionKey);
          const date = listing?.modalities.find((modality) => modality.modalityId === decision.modalityId)?.date;
          if (date && date <= parisToday(clock()))
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
    { schema: { params: positioningParams } },
    async (request, reply) => {
      const registration = await ownRegistration(request);
      if (registration.decision?.outcome !== 'CANDIDATURE_RECEIVED' || registration.withdrawnAt !== null)
        throw new ProblemError({
          type: 'urn:passerelle:problem:no-letter',
          title: 'Conflict',
          status: 409,
          detail:
            registration.withdrawnAt !== null
              ? 'The request was withdrawn.'
              : registration.decision === null
                ? 'Kairos has not decided yet: the letter comes with a received candidature.'
                : 'A confirmation letter is given for a contact request received on a candidature window.',
        });
      const listing = listings.get(registration.channel as ListingChannel, registration.target.sessionKey) ?? null;
      const pdf = await renderPdf(confirmationLetter(registration, listing));
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="confirmation-${registration.requestId}.pdf"`)
        .send(pdf);
    },
  );
}
