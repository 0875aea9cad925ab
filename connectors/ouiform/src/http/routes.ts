import type { Bus, Follower, Replies } from '@passerelle/bus';
import { type SearchParameters, searchParameterError, searchParametersSchema } from '@passerelle/listing-index';
import type { PositioningWithdrawn } from '@passerelle/schemas';
import {
  type HttpRequest,
  type HttpServer,
  invalidRequest,
  json,
  located,
  ProblemError,
  problem,
  problems,
  serveOpenApi,
} from '@passerelle/service-kit';
import { decodeCursor, encodeCursor } from '../follow-up/feed-cursor.js';
import type { FollowUpStore, PrescriptionView } from '../follow-up/follow-up-store.js';
import {
  checkPrescriptionRules,
  type PrescriptionRequest,
  prescriptionRequestSchema,
  toPositioningRequested,
} from '../prescriptions/prescription-request.js';
import type { OuiformListing } from '../sessions/session-search.js';
import type { OuiformTopics } from '../topics.js';
import { feedPage, INFO, prescription, WEBHOOKS } from './contract.js';
import type { Caller, PrescriberTokens } from './prescriber-tokens.js';

export interface OuiformRoutesOptions {
  bus: Bus;
  store: FollowUpStore;
  /** The follower feeding the store with prescriptions: read-your-writes for any id this or another instance gave. */
  prescriptions: Follower;
  listing: OuiformListing;
  replies: Replies;
  tokens: PrescriberTokens;
  topics: OuiformTopics;
  journeySecret: string;
  decisionTimeoutMs: number;
  clock?: () => Date;
}

const FEED_MAX_LIMIT = 500;

/** The same answer for "not yours" whether or not the id exists elsewhere: nothing to learn from a 403. */
const forbidden = () =>
  problem(403, 'ouiform:forbidden-prescription', 'Forbidden', 'This prescription is not one of your organisation.');

const notFound = () => problem(404, 'about:blank', 'Not Found', 'No such prescription.');

const TAGS = { tags: ['Prescriptions'] };
const denied = { 401: 'No or unknown token', 403: 'Not your prescription, or the role is missing' };
const prescriptionParams = {
  type: 'object',
  required: ['prescriptionId'],
  properties: { prescriptionId: { type: 'string' } },
};
const locatedPrescription = (description: string) => located(description, prescription, 'The prescription to follow');

const locationOf = (prescriptionId: string) => `/prescriptions/${encodeURIComponent(prescriptionId)}`;

/** A prescription as its prescriber sees it (the owner key stays inside). */
const present = ({ owner: _owner, ...view }: PrescriptionView & { owner: string }) => view;

/**
 * The prescriber API: search the OUIFORM listing, prescribe (position a DE), follow a prescription, withdraw it, and the follow-up feed. Every
 * route authenticates first; a prescription of another organisation is a 403 with nothing about it.
 */
export function registerOuiformRoutes(http: HttpServer, options: OuiformRoutesOptions): void {
  const { bus, store, replies, tokens, topics } = options;
  const clock = options.clock ?? (() => new Date());
  const caller = (request: HttpRequest, role?: 'prescriber') =>
    tokens.authenticate(request.headers.authorization, role);

  // Whichever instance handed out the Location, this one has read the prescription before answering: never a 404
  // for an id just given.
  const ownPrescription = async (who: Caller, prescriptionId: string) => {
    const found = await options.prescriptions.find(() => store.prescription(prescriptionId));
    if (!found) throw notFound();
    if (found.owner !== who.owner) throw forbidden();
    return found;
  };

  http.post<{ Body: PrescriptionRequest }>(
    '/prescriptions',
    {
      // Authenticate before validating: an anonymous caller learns nothing, not even the body's shape.
      onRequest: async (request) => {
        caller(request, 'prescriber');
      },
      schema: {
        ...TAGS,
        operationId: 'prescribe',
        summary: 'Position a DE on an ICO, an RDVI or a candidature window',
        body: prescriptionRequestSchema,
        response: {
          200: locatedPrescription('Already decided (a retried POST with the same prescriptionId)'),
          201: locatedPrescription('Kairos decided within the wait: the decision'),
          202: locatedPrescription('Published; Kairos has not decided yet: follow the Location'),
          ...problems({ 400: 'Invalid body', 422: 'A rule refuses the prescription', ...denied }),
        },
      },
    },
    async (request, reply) => {
      const who = caller(request, 'prescriber');
      const violations = checkPrescriptionRules(
        request.body,
        options.listing.index.get(request.body.target.sessionKey),
      );
      if (violations.length > 0) {
        throw new ProblemError({
          type: 'urn:passerelle:problem:ouiform:prescription-rule',
          title: 'Prescription refused',
          status: 422,
          detail: violations.map((violation) => `${violation.field}: ${violation.message}`).join('; '),
          errors: violations,
        });
      }
      const positioning = toPositioningRequested(request.body, {
        prescriber: who,
        journeySecret: options.journeySecret,
        now: clock(),
      });
      const prescriptionId = positioning.prescription?.prescriptionId as string;
      const existing = store.prescription(prescriptionId);
      // A reference another organisation already used is theirs (references should be UUIDs; ours are).
      if (existing && existing.owner !== who.owner) throw forbidden();
      // A retried POST of a decided prescription: the answer it got, nothing published again.
      if (existing?.decision)
        return reply.status(200).header('location', locationOf(prescriptionId)).send(present(existing));

      // Kairos ignores a request id it already answered: a retried POST publishes again and gets the same answer.
      await bus.publish([
        {
          topic: topics.positioning,
          key: positioning.target.sessionKey,
          record: 'fr.passerelle.positioning.PositioningRequested',
          value: positioning,
        },
      ]);
      request.log.info(
        { requestId: positioning.requestId, journeyId: positioning.journeyId },
        'prescription published',
      );
      const decided = await replies.wait(positioning.requestId, options.decisionTimeoutMs);
      // The answer came through the reply waiter; the read model (what GET serves) follows within milliseconds.
      const view = await store.waitForPrescription(
        prescriptionId,
        (found) => !decided || found.decision !== null,
        decided ? 2000 : 500,
      );
      reply.header('location', locationOf(prescriptionId));
      if (decided && view?.decision) return reply.status(201).send(present(view));
      return reply
        .status(202)
        .send(
          view
            ? present(view)
            : { prescriptionId, requestId: positioning.requestId, status: 'POSITIONNE', decision: null },
        );
    },
  );

  const onePrescription = (operationId: string, summary: string, success: object) => ({
    schema: {
      ...TAGS,
      operationId,
      summary,
      params: prescriptionParams,
      response: { ...success, ...problems({ 404: 'Unknown', ...denied }) },
    },
  });

  http.get<{ Params: { prescriptionId: string } }>(
    '/prescriptions/:prescriptionId',
    onePrescription('getPrescription', 'A prescription with its decision and every step', {
      200: json('The prescription', prescription),
    }),
    async (request) => {
      const who = caller(request);
      return present(await ownPrescription(who, request.params.prescriptionId));
    },
  );

  http.delete<{ Params: { prescriptionId: string } }>(
    '/prescriptions/:prescriptionId',
    onePrescription('withdrawPrescription', 'Withdraw: Kairos cancels what the prescription created', {
      202: locatedPrescription('Withdrawal published'),
    }),
    async (request, reply) => {
      const who = caller(request, 'prescriber');
      const prescription = await ownPrescription(who, request.params.prescriptionId);
      const withdrawal: PositioningWithdrawn = {
        envelope: {
          // One withdrawal per request: a retried DELETE carries the same event id.
          eventId: `ouiform:${prescription.requestId}:withdrawn`,
          occurredAt: clock(),
          recordedAt: clock(),
          actor: {
            kind: 'PRESCRIBER',
            siret: null,
            organisationName: who.organisation,
            prescriberNetwork: who.network,
            channel: 'OUIFORM',
          },
          sourceSystem: 'OUIFORM',
          correlationId: prescription.journeyId,
          causationId: `ouiform:${prescription.requestId}`,
        },
        requestId: prescription.requestId,
        journeyId: prescription.journeyId,
        sessionKey: prescription.sessionKey,
        reason: 'Prescription retirée par le prescripteur',
      };
      if (!prescription.withdrawn) {
        await bus.publish([
          {
            topic: topics.positioning,
            key: prescription.sessionKey,
            record: 'fr.passerelle.positioning.PositioningWithdrawn',
            value: withdrawal,
          },
        ]);
        request.log.info({ requestId: prescription.requestId }, 'prescription withdrawn');
      }
      const view = await store.waitForPrescription(prescription.prescriptionId, (found) => found.withdrawn, 2000);
      reply.header('location', locationOf(prescription.prescriptionId));
      // Kairos cancels what the request created (RegistrationCancelled / CandidatureWithdrawn): it shows in the feed.
      return reply.status(202).send(present(view ?? { ...prescription, withdrawn: true }));
    },
  );

  serveOpenApi(http, INFO, WEBHOOKS);

  http.get<{ Querystring: SearchParameters }>(
    '/sessions',
    {
      onRequest: async (request) => {
        caller(request);
      },
      schema: {
        tags: ['Sessions'],
        operationId: 'searchSessions',
        summary: 'Search the OUIFORM listing',
        querystring: searchParametersSchema,
        response: { 200: json('A page of sessions'), ...problems({ 400: 'Invalid parameter', 401: denied[401] }) },
      },
    },
    async (request) => {
      const error = searchParameterError(request.query);
      if (error) throw invalidRequest([error]);
      return options.listing.search(request.query, clock());
    },
  );

  http.get<{ Querystring: { after?: string; limit?: number } }>(
    '/feed',
    {
      schema: {
        tags: ['Follow-up'],
        operationId: 'followUpFeed',
        summary: 'Your organisation’s follow-up steps, in order, after a cursor',
        response: {
          200: json('A page of steps', feedPage),
          ...problems({ 400: 'Not a cursor of this feed', 401: denied[401] }),
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'string', maxLength: 4096, description: 'The `next` of the previous page' },
            limit: { type: 'integer', minimum: 1, maximum: FEED_MAX_LIMIT, default: 100 },
          },
        },
      },
      onRequest: async (request) => {
        caller(request);
      },
    },
    async (request) => {
      const who = caller(request);
      const cursor = decodeCursor(request.query.after ?? '');
      if (!cursor) {
        throw invalidRequest([{ field: 'querystring.after', message: 'is not a cursor this feed gave' }], {
          detail: 'querystring.after is not a cursor this feed gave',
        });
      }
      const page = store.feed(who.owner, cursor, request.query.limit ?? 100);
      const next = encodeCursor(page.cursor);
      return { items: page.items, next, nextUrl: `/feed?after=${next}` };
    },
  );
}
