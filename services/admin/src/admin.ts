import { existsSync, readFileSync } from 'node:fs';
import { GrantBook } from '@passerelle/access';
import {
  CONSUMER_ACTIONS,
  type ConsumerAction,
  consumerGroupLag,
  DeadLetters,
  describeTopics,
  RegistryCatalogue,
  subjectFor,
} from '@passerelle/bus';
import type { ServiceDefinition } from '@passerelle/runtime';
import {
  topics as catalogue,
  type EventRecordName,
  logicalTypes,
  records,
  runnableTopics,
  topic,
} from '@passerelle/schemas';
import {
  bearerMatches,
  errorCodeOf,
  errorMessageOf,
  file,
  type HttpServer,
  json,
  type Metrics,
  problem,
  problems,
  serveOpenApi,
  unauthorized,
  z,
} from '@passerelle/service-kit';
import { accountManagerOf, accountManagersSchema, registerAccessRoutes } from './access.js';
import { type ConnectorStatus, parseTargets, Runnables } from './targets.js';

export const adminConfigSchema = z.object({
  /** Bearer token people and tools present on `/api/*` (the page asks for it once). */
  ADMIN_TOKEN: z.string().min(16),
  /** The runnables watched: `name=http://host:port` separated by commas. */
  ADMIN_TARGETS: z
    .string()
    .default('')
    .transform((text, context) => {
      try {
        return parseTargets(text);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Which target serves `GET /journeys/{id}`, and the bearer token it wants (if any). */
  ADMIN_JOURNEY_TARGET: z.string().min(1).default('journey'),
  ADMIN_JOURNEY_TOKEN: z.string().min(1).optional(),
  /** How often the lag and up gauges of /metrics are refreshed; 0: never (they are then set by API reads only). */
  ADMIN_METRICS_REFRESH_MS: z.coerce.number().int().min(0).default(15_000),
  /** Account managers (RGC): `{ "<token>": "<account id>" }`; their token opens `/api/access/*` only. */
  ADMIN_ACCOUNT_MANAGERS: accountManagersSchema,
  /** Prefix of the grants topic the admin writes; only tests and rehearsals set it. */
  ADMIN_TOPIC_PREFIX: z.string().default(''),
});

/**
 * What the admin publishes and follows of the catalogue: the grants of `access.grants.v1` only (behind
 * `ADMIN_TOPIC_PREFIX`, known before start). Dead letters are decoded with the writers' schemas from the registry.
 */
export function adminContracts(prefix = '') {
  const grants = topic('access.grants.v1');
  return {
    topics: [{ ...grants, name: `${prefix}${grants.name}` }],
    records: new Map(
      grants.records.flatMap((name) => {
        const contract = records.get(name as EventRecordName);
        return contract ? [[name, contract] as const] : [];
      }),
    ),
    logicalTypes,
  };
}

const PAGE_FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/admin.js': { file: 'admin.js', type: 'text/javascript; charset=utf-8' },
} as const;

/** The page's files: beside this module when run from the sources, in `src/page` when run from a `dist` build. */
const PAGE_DIR = [new URL('./page/', import.meta.url), new URL('../src/page/', import.meta.url)].find((dir) =>
  existsSync(new URL('index.html', dir)),
) as URL;

const INFO = {
  title: 'Passerelle — ops admin',
  version: '1',
  description:
    'Every runnable’s health and consumers (Kafka Connect’s status and actions), consumer lag, dead letters (browse, replay, discard), topics and schemas, a journey lookup, and the grants of signed tokens (account managers). Everything under /api needs the admin token; /api/access also opens to an account manager’s token.',
};

/** The schema of an `/api` route: its summary, its answers (200 by default), the problems it may give besides 401. */
const doc = (summary: string, refusals: Record<number, string> = {}, answers: object = { 200: json(summary) }) => ({
  schema: {
    tags: ['Admin'],
    summary,
    response: { ...answers, ...problems({ 401: 'No or wrong admin token', ...refusals }) },
  },
});
const noRunnable = { 404: 'No such runnable, consumer or action' };
const noTopic = { 404: 'Not a dead-letter topic, or no such topic' };

/**
 * The ops admin endpoint. Everything under `/api` needs `Authorization: Bearer <ADMIN_TOKEN>`; the page (`/`,
 * `/admin.js`) is public and holds no data, it calls the API with the token typed in. `/healthz`, `/readyz` and
 * `/metrics` are the service-kit ones. It reads Kafka and the registry through the bus, and the runnables through
 * their HTTP endpoints; it writes only when ops act (consumer actions, dead-letter replay and discard).
 */
export function adminService({
  env = process.env,
}: {
  env?: NodeJS.ProcessEnv;
} = {}): ServiceDefinition<typeof adminConfigSchema> {
  return {
    name: 'service-admin',
    contracts: adminContracts(env.ADMIN_TOPIC_PREFIX ?? ''),
    configSchema: adminConfigSchema,
    setup({ config, bus, log, http, metrics }) {
      const runnables = new Runnables(config.ADMIN_TARGETS, { opsToken: config.OPS_TOKEN });
      const deadLetters = new DeadLetters(bus, { log });
      const registry = new RegistryCatalogue(config.SCHEMA_REGISTRY_URL);
      const gauges = adminGauges(metrics);
      const grantsTopic = runnableTopics('service-admin', config.ADMIN_TOPIC_PREFIX).grants;
      const grants = new GrantBook(bus, grantsTopic);

      /** The watched consumers' groups, each with the topics it is assigned (so a group that never committed shows). */
      const groupsOf = (statuses: readonly ConnectorStatus[]) => {
        const groups = new Map<string, Set<string>>();
        for (const task of statuses.flatMap((status) => status.tasks)) {
          const topics = groups.get(task.groupId) ?? new Set<string>();
          for (const topic of Object.keys(task.assignment)) topics.add(topic);
          groups.set(task.groupId, topics);
        }
        return groups;
      };
      const lagOf = async (groups: ReadonlyMap<string, ReadonlySet<string>>) => {
        const admin = await bus.admin();
        const lags = [];
        for (const [group, topics] of groups)
          lags.push(await consumerGroupLag(admin, group, topics.size > 0 ? [...topics] : undefined));
        for (const group of lags)
          for (const partition of group.partitions)
            gauges.lag.set(
              { group: group.groupId, topic: partition.topic, partition: String(partition.partition) },
              partition.lag,
            );
        return lags;
      };
      const statuses = async () => {
        const found = await runnables.statuses();
        for (const status of found) gauges.up.set({ runnable: status.name }, status.health === 'UP' ? 1 : 0);
        return found;
      };

      serveOpenApi(http, INFO);
      servePage(http);
      void http.register(
        async (api) => {
          api.addHook('onRequest', async (request, reply) => {
            if (bearerMatches(request.headers.authorization, config.ADMIN_TOKEN)) return;
            // An account manager's token opens the grants, nothing else (routeOptions.url: the matched route).
            const manager = accountManagerOf(config.ADMIN_ACCOUNT_MANAGERS, request.headers.authorization);
            if (manager === undefined || !request.routeOptions.url?.startsWith('/api/access/')) {
              void reply.header('www-authenticate', 'Bearer realm="passerelle-admin"');
              throw unauthorized();
            }
          });

          /** Every runnable: health, readiness and the Kafka Connect status of its consumers. */
          registerAccessRoutes(api, {
            bus,
            grants,
            grantsTopic,
            callerOf: (authorization) => accountManagerOf(config.ADMIN_ACCOUNT_MANAGERS, authorization) ?? 'admin',
            log: log.child({ component: 'access' }),
          });

          api.get('/connectors', doc('Every runnable: health, readiness and its consumers'), async () => statuses());
          api.get<{ Params: { name: string } }>(
            '/connectors/:name/status',
            doc('A runnable: health, readiness and its consumers', noRunnable),
            async (request) => runnables.status(runnables.target(request.params.name)),
          );

          /** Kafka Connect's actions: on every consumer of a runnable, or on one (a task). */
          api.post<{ Params: { name: string; action: string } }>(
            '/connectors/:name/:action',
            doc('pause, resume or restart every consumer of a runnable', noRunnable, {
              202: json('The consumers after the action'),
            }),
            async (request, reply) => {
              const target = runnables.target(request.params.name);
              const action = actionOf(request.params.action);
              const { tasks } = await runnables.status(target);
              const results = [];
              for (const task of tasks) results.push((await runnables.act(target, task.name, action)).body);
              log.warn({ runnable: target.name, action, consumers: tasks.length }, 'ops action on a connector');
              return reply.status(202).send(results);
            },
          );
          api.post<{ Params: { name: string; task: string; action: string } }>(
            '/connectors/:name/tasks/:task/:action',
            doc(
              'pause, resume or restart one consumer (a task) of a runnable',
              { ...noRunnable, 403: 'The runnable has no OPS_TOKEN: its consumers cannot be steered' },
              { 202: json('The consumer after the action') },
            ),
            async (request, reply) => {
              const target = runnables.target(request.params.name);
              const action = actionOf(request.params.action);
              const answer = await runnables.act(target, request.params.task, action);
              log.warn({ runnable: target.name, consumer: request.params.task, action }, 'ops action on a consumer');
              return reply
                .status(answer.status)
                .type(answer.status >= 400 ? 'application/problem+json' : 'application/json')
                .send(answer.body);
            },
          );

          /** Lag per consumer group and partition: the groups of the watched consumers, or those asked for. */
          api.get<{ Querystring: { group?: string | string[] } }>(
            '/lag',
            {
              schema: {
                ...doc('Lag per consumer group and partition').schema,
                querystring: {
                  type: 'object',
                  properties: { group: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } },
                },
              },
            },
            async (request) => {
              const asked = request.query.group;
              const groups =
                asked === undefined
                  ? groupsOf(await statuses())
                  : new Map([asked].flat().map((group) => [group, new Set<string>()]));
              return lagOf(groups);
            },
          );

          api.get('/dead-letters', doc('Every dead-letter topic with what is pending'), async () => {
            const summaries = await deadLetters.topics();
            for (const summary of summaries) gauges.deadLetters.set({ topic: summary.topic }, summary.pending);
            return summaries;
          });
          api.get<{ Params: { topic: string }; Querystring: { all?: boolean; limit?: number } }>(
            '/dead-letters/:topic',
            {
              schema: {
                ...doc('A page of a dead-letter topic', noTopic).schema,
                querystring: {
                  type: 'object',
                  properties: {
                    all: { type: 'boolean', default: false },
                    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
                  },
                  additionalProperties: false,
                },
              },
            },
            async (request) => {
              const topic = deadLetterTopic(request.params.topic);
              if (!(await (await bus.admin()).listTopics()).includes(topic))
                throw problem(404, 'unknown-topic', 'Not Found', `There is no topic ${topic}.`);
              const page = await deadLetters.browse(topic, request.query);
              gauges.deadLetters.set({ topic }, page.pending);
              return page;
            },
          );
          const entriesBody = {
            body: {
              type: 'object',
              required: ['entries'],
              additionalProperties: false,
              properties: {
                entries: {
                  anyOf: [
                    { type: 'string', const: 'all' },
                    { type: 'array', minItems: 1, maxItems: 10_000, items: { type: 'string', pattern: '^\\d+:\\d+$' } },
                  ],
                },
              },
            },
          };
          for (const action of ['replay', 'discard'] as const) {
            api.post<{ Params: { topic: string }; Body: { entries: string[] | 'all' } }>(
              `/dead-letters/:topic/${action}`,
              {
                schema: {
                  ...entriesBody,
                  ...doc(`${action === 'replay' ? 'Replay' : 'Discard'} dead letters (entries, or all)`, {
                    400: 'Invalid body',
                    503: 'Another action on this topic is under way: retry',
                  }).schema,
                },
              },
              async (request) => {
                const topic = deadLetterTopic(request.params.topic);
                const result = await deadLetters[action](topic, request.body.entries).catch((error: unknown) => {
                  if (errorCodeOf(error) !== 'BUS_DEAD_LETTER_ACTION_CONFLICT') throw error;
                  throw problem(503, 'dead-letter-action-conflict', 'Service Unavailable', errorMessageOf(error));
                });
                log.warn({ topic, action, done: result.done.length }, 'dead-letter action');
                return result;
              },
            );
          }

          api.get('/topics', doc('Every topic: partitions, cleanup, retention, events'), async () => {
            const described = await describeTopics(await bus.admin());
            return described.map((topic) => {
              const entry = catalogue.find((known) => known.name === topic.name);
              return {
                ...topic,
                ...(entry ? { description: entry.description, records: entry.records } : {}),
                ...(DeadLetters.groupOf(topic.name) ? { deadLetterOf: DeadLetters.groupOf(topic.name) } : {}),
              };
            });
          });
          /**
           * The catalogue's subjects with their versions, and the names of every other subject the registry lists
           * (test and retired subjects; some registries cap that list — ask for one by name below).
           */
          api.get('/schemas', doc('The registered schemas of the catalogue, and the others'), async () => {
            const known = catalogue.flatMap((topic) => topic.records.map((record) => subjectFor(topic.name, record)));
            const [registered, listed] = await Promise.all([
              Promise.all(known.map((subject) => registry.subject(subject))),
              registry.subjects(),
            ]);
            return {
              catalogue: registered.filter((subject) => subject !== undefined),
              unregistered: known.filter((_, index) => registered[index] === undefined),
              others: listed.filter((subject) => !known.includes(subject)),
            };
          });
          api.get<{ Params: { subject: string } }>(
            '/schemas/:subject',
            doc('A subject: its versions and latest schema', { 404: 'No such subject' }),
            async (request) => {
              const found = await registry.subject(request.params.subject);
              if (!found) throw problem(404, 'unknown-subject', 'Not Found', `No subject ${request.params.subject}.`);
              return found;
            },
          );

          api.get<{ Params: { id: string } }>(
            '/journeys/:id',
            doc('A journey, as the journey service tells it', {
              403: 'Refused by the journey service',
              404: 'No such journey',
            }),
            async (request, reply) => {
              const target = runnables.target(config.ADMIN_JOURNEY_TARGET);
              const answer = await runnables.get(
                target,
                `/journeys/${encodeURIComponent(request.params.id)}`,
                config.ADMIN_JOURNEY_TOKEN,
              );
              return reply.status(answer.status).type(answer.type).send(answer.body);
            },
          );
        },
        { prefix: '/api' },
      );

      let timer: NodeJS.Timeout | undefined;
      if (config.ADMIN_METRICS_REFRESH_MS > 0) {
        http.addHook('onReady', async () => {
          const refresh = () =>
            statuses()
              .then((found) => lagOf(groupsOf(found)))
              .catch((error: unknown) => log.warn({ err: error }, 'metrics refresh failed'));
          timer = setInterval(refresh, config.ADMIN_METRICS_REFRESH_MS);
          timer.unref();
        });
        http.addHook('onClose', async () => clearInterval(timer));
      }
    },
  };
}

function adminGauges(metrics: Metrics) {
  return {
    up: metrics.gauge('admin_runnable_up', 'Whether a watched runnable answers /healthz (1) or not (0)', ['runnable']),
    lag: metrics.gauge('admin_consumer_lag', 'Consumer group lag per partition, as the broker reports it', [
      'group',
      'topic',
      'partition',
    ]),
    deadLetters: metrics.gauge('admin_dead_letters_pending', 'Dead-lettered events neither replayed nor discarded', [
      'topic',
    ]),
  };
}

function actionOf(action: string): ConsumerAction {
  if (CONSUMER_ACTIONS.includes(action as ConsumerAction)) return action as ConsumerAction;
  throw problem(
    404,
    'unknown-action',
    'Not Found',
    `No action ${action}; the actions are ${CONSUMER_ACTIONS.join(', ')}.`,
  );
}

function deadLetterTopic(topic: string): string {
  if (DeadLetters.groupOf(topic)) return topic;
  throw problem(404, 'not-a-dead-letter-topic', 'Not Found', `${topic} is not a dead-letter topic (dlq.<group>.v1).`);
}

/** The page: two static files read once, served with a policy that allows nothing but this origin. */
function servePage(http: HttpServer) {
  for (const [path, { file: name, type }] of Object.entries(PAGE_FILES)) {
    const body = readFileSync(new URL(name, PAGE_DIR));
    const schema = {
      tags: ['Page'],
      summary: `The admin page: ${name} (public, holds no data)`,
      security: [],
      response: { 200: file(name, type.split(';')[0] as string) },
    };
    http.get(path, { schema }, async (_request, reply) =>
      reply
        .type(type)
        .header(
          'content-security-policy',
          "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
        )
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer')
        .send(body),
    );
  }
}
