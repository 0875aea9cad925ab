import type { Bus, Follower, Replies } from '@passerelle/bus';
import type { PositioningWithdrawn } from '@passerelle/schemas';
import { type HttpServer, ProblemError } from '@passerelle/service-kit';
import type { FastifyRequest } from 'fastify';
import { decodeCursor, encodeCursor } from '../follow-up/feed-cursor.js';
import type { FollowUpStore, PrescriptionView } from '../follow-up/follow-up-store.js';
import {
  checkPrescriptionRules,
  type PrescriptionRequest,
  prescriptionRequestSchema,
  toPositioningRequested,
} from '../prescriptions/prescription-request.js';
import { type OuiformListing, type SessionSearchParameters, sessionSearchSchema } from '../sessions/session-search.js';
import type { OuiformTopics } from '../topics.js';
import { openApiDocument } from './openapi.js';
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
  new ProblemError({
    type: 'urn:passerelle:problem:ouiform:forbidden-prescription',
    title: 'Forbidden',
    status: 403,
    detail: 'This prescription is not one of your organisation.',
  });

const notFound = () =>
  new ProblemError({
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: 'No such prescription.',
  });

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
  const caller = (request: FastifyRequest, role?: 'prescriber') =>
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
      schema: { body: prescriptionRequestSchema },
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

  http.get<{ Params: { prescriptionId: string } }>('/prescriptions/:prescriptionId', async (request) => {
    const who = caller(request);
    return present(await ownPrescription(who, request.params.prescriptionId));
  });

  http.delete<{ Params: { prescriptionId: string } }>('/prescriptions/:prescriptionId', async (request, reply) => {
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
  });

  // The contract is public: an integrator reads it before holding a token.
  const document = openApiDocument();
  http.get('/openapi.json', async () => document);

  http.get<{ Querystring: SessionSearchParameters }>(
    '/sessions',
    {
      onRequest: async (request) => {
        caller(request);
      },
      schema: { querystring: sessionSearchSchema },
    },
    async (request) => options.listing.search(request.query, clock()),
  );

  http.get<{ Querystring: { after?: string; limit?: number } }>(
    '/feed',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'string', maxLength: 4096 },
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
        throw new ProblemError({
          type: 'urn:passerelle:problem:validation',
          title: 'Invalid request',
          status: 400,
          detail: 'querystring.after is not a cursor this feed gave',
          errors: [{ field: 'querystring.after', message: 'is not a cursor this feed gave' }],
        });
      }
      const page = store.feed(who.owner, cursor, request.query.limit ?? 100);
      const next = encodeCursor(page.cursor);
      return { items: page.items, next, nextUrl: `/feed?after=${next}` };
    },
  );
}
