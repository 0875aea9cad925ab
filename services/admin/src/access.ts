import { createHash } from 'node:crypto';
import { type Grant, type GrantBook, inForce } from '@passerelle/access';
import type { Bus } from '@passerelle/bus';
import { type AccessGranted, eventOf } from '@passerelle/schemas';
import {
  bearerTokenOf,
  type HttpServer,
  invalidRequest,
  json,
  type Logger,
  problems,
  z,
} from '@passerelle/service-kit';

const RECORD = 'fr.passerelle.access.AccessGranted';
const ROLES = ['OF', 'PRESCRIBER', 'DE', 'OPS'] as const;
/** An opaque account id: no `@` nor spaces, so an e-mail or a name cannot become a Kafka key. */
const SUBJECT = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$' } as const;

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * `ADMIN_ACCOUNT_MANAGERS`: the account managers (RGC) as JSON `{ "<token>": "<account id>" }`. Their token opens
 * `/api/access/*` only, and their account id is the `grantedBy` of what they grant. Secret: never logged.
 */
export const accountManagersSchema = z
  .string()
  .default('{}')
  .transform((text, context) => {
    try {
      const parsed = z.record(z.string().min(16), z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/)).parse(JSON.parse(text));
      return new Map(Object.entries(parsed).map(([token, account]) => [digest(token), account]));
    } catch {
      context.addIssue({ code: 'custom', message: 'must be a JSON object of tokens (16+ characters) to account ids' });
      return z.NEVER;
    }
  });

/** The account manager a bearer token is (looked up by digest), or undefined. */
export const accountManagerOf = (managers: ReadonlyMap<string, string>, authorization: string | undefined) => {
  const token = bearerTokenOf(authorization);
  return token === undefined ? undefined : managers.get(digest(token));
};

interface GrantBody {
  role: (typeof ROLES)[number];
  sirets?: string[];
  structure?: string | null;
  expiresAt?: string | null;
}

const grantJson = (grant: Grant, now = new Date()) => ({
  subject: grant.subject,
  role: grant.role,
  sirets: grant.sirets,
  structure: grant.structure,
  grantedBy: grant.grantedBy,
  grantedAt: grant.grantedAt.toISOString(),
  expiresAt: grant.expiresAt?.toISOString() ?? null,
  inForce: inForce(grant, now) !== undefined,
});

const grantSchema = {
  type: 'object',
  required: ['subject', 'role', 'sirets', 'structure', 'grantedBy', 'grantedAt', 'expiresAt', 'inForce'],
  properties: {
    subject: { type: 'string' },
    role: { type: 'string' },
    sirets: { type: 'array', items: { type: 'string' } },
    structure: { type: ['string', 'null'] },
    grantedBy: { type: 'string' },
    grantedAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    inForce: { type: 'boolean' },
  },
} as const;

const sameGrant = (a: Grant, b: Omit<Grant, 'grantedBy' | 'grantedAt' | 'subject'>) =>
  a.role === b.role &&
  a.structure === b.structure &&
  (a.expiresAt?.getTime() ?? null) === (b.expiresAt?.getTime() ?? null) &&
  [...a.sirets].sort().join() === [...b.sirets].sort().join();

const TAGS = ['Access'];
const denied = { 401: 'No or wrong admin or account-manager token' };

export interface AccessRoutesOptions {
  bus: Bus;
  grants: GrantBook;
  grantsTopic: string;
  /** Who calls (the account manager's id, or `admin` for the shared admin token): the grant's `grantedBy`. */
  callerOf(authorization: string | undefined): string;
  log: Logger;
}

/**
 * The account managers' API on the grants of `access.grants.v1`: every runnable verifying signed tokens follows
 * the topic, so what is granted or revoked here holds on all their instances within a second, without restart.
 * PUT and DELETE are idempotent: the same grant again publishes nothing, a revocation of nothing is a 204.
 */
export function registerAccessRoutes(api: HttpServer, options: AccessRoutesOptions) {
  const { bus, grants, grantsTopic, callerOf, log } = options;

  api.get(
    '/access/grants',
    {
      schema: {
        tags: TAGS,
        summary: 'Every grant, expired ones included (revoked ones are gone)',
        response: { 200: json('The grants', { type: 'array', items: grantSchema }), ...problems(denied) },
      },
    },
    async () => {
      await grants.follower.barrier(5_000);
      return grants.all().map((grant) => grantJson(grant));
    },
  );

  api.put<{ Params: { subject: string }; Body: GrantBody }>(
    '/access/grants/:subject',
    {
      schema: {
        tags: TAGS,
        summary: 'Grant a subject (the `sub` of its tokens) a role: an OF its SIRETs, a prescriber its structure',
        params: { type: 'object', required: ['subject'], properties: { subject: SUBJECT } },
        body: {
          type: 'object',
          required: ['role'],
          additionalProperties: false,
          properties: {
            role: { type: 'string', enum: [...ROLES] },
            sirets: {
              type: 'array',
              maxItems: 500,
              uniqueItems: true,
              items: { type: 'string', pattern: '^\\d{14}$' },
            },
            structure: { type: ['string', 'null'], minLength: 1, maxLength: 100 },
            expiresAt: { type: ['string', 'null'], format: 'date-time' },
          },
        },
        response: {
          200: json('The grant, now in force on every instance within a second', grantSchema),
          ...problems({ ...denied, 400: 'A field is missing or wrong (named in errors)' }),
        },
      },
    },
    async (request) => {
      const { subject } = request.params;
      const body = request.body;
      const now = new Date();
      const wanted = {
        role: body.role,
        sirets: body.sirets ?? [],
        structure: body.structure ?? null,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      } satisfies Partial<AccessGranted>;
      if (wanted.role === 'OF' && wanted.sirets.length === 0)
        throw invalidRequest([{ field: 'body.sirets', message: 'an OF grant names its SIRETs', rule: 'of-sirets' }]);
      if (wanted.role === 'PRESCRIBER' && wanted.structure === null)
        throw invalidRequest([
          { field: 'body.structure', message: 'a prescriber grant names its structure', rule: 'prescriber-structure' },
        ]);
      if (wanted.expiresAt !== null && wanted.expiresAt.getTime() <= now.getTime())
        throw invalidRequest([
          { field: 'body.expiresAt', message: 'must be in the future', rule: 'expiry-in-the-future' },
        ]);

      const current = await grants.current(subject);
      if (current && sameGrant(current, wanted)) return grantJson(current, now);
      const grantedBy = callerOf(request.headers.authorization);
      const grant: Grant = { subject, ...wanted, grantedBy, grantedAt: now };
      const envelope = {
        eventId: `access:${subject}:${now.toISOString()}`,
        occurredAt: now,
        recordedAt: now,
        actor: { kind: 'OPS', siret: null, organisationName: null, prescriberNetwork: null, channel: null },
        sourceSystem: 'PASSERELLE',
        correlationId: subject,
        causationId: null,
      } satisfies AccessGranted['envelope'];
      await bus.publish([eventOf(grantsTopic, subject, RECORD, { envelope, ...grant })]);
      log.warn({ subject, role: grant.role, grantedBy }, 'access granted');
      return grantJson(grant, now);
    },
  );

  api.delete<{ Params: { subject: string } }>(
    '/access/grants/:subject',
    {
      schema: {
        tags: TAGS,
        summary: 'Revoke a subject’s grant (a tombstone): refused everywhere within a second',
        params: { type: 'object', required: ['subject'], properties: { subject: SUBJECT } },
        response: { 204: { description: 'Revoked (or there was nothing to revoke)' }, ...problems(denied) },
      },
    },
    async (request, reply) => {
      const { subject } = request.params;
      // A retried DELETE (the first answer lost) is a 204 again, and publishes nothing more.
      if ((await grants.current(subject)) !== undefined) {
        await bus.publish([{ topic: grantsTopic, key: subject, record: RECORD, value: null }]);
        log.warn({ subject, revokedBy: callerOf(request.headers.authorization) }, 'access revoked');
      }
      return reply.status(204).send();
    },
  );
}
