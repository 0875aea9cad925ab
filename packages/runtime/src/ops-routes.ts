import { CONSUMER_ACTIONS, type ConsumerAction, type ConsumerStatus, type ManagedConsumer } from '@passerelle/bus';
import { bearerMatches, type HttpServer, ProblemError, unauthorized } from '@passerelle/service-kit';

/**
 * `GET /status/consumers` (open: states and assignments, no data) and the ops actions
 * `POST /status/consumers/{name}/pause|resume|restart`, which need `Authorization: Bearer <OPS_TOKEN>`.
 *
 * A runnable started without an ops token refuses every action with 403 `ops-actions-disabled`: a consumer can only
 * be steered where someone chose to allow it, and a forgotten token never means "open". Answers follow Kafka
 * Connect's REST API: 202 Accepted with the consumer's status after the action, 404 for an unknown consumer.
 */
export function registerOpsRoutes(
  http: HttpServer,
  { consumers, opsToken }: { consumers: () => readonly ManagedConsumer<unknown>[]; opsToken: string | undefined },
): void {
  http.get('/status/consumers', { logLevel: 'warn' }, async () => consumers().map((consumer) => consumer.status()));
  http.post<{ Params: { name: string; action: string } }>(
    '/status/consumers/:name/:action',
    async (request, reply): Promise<ConsumerStatus> => {
      const { name, action } = request.params;
      if (!CONSUMER_ACTIONS.includes(action as ConsumerAction)) {
        throw new ProblemError({
          type: 'about:blank',
          title: 'Not Found',
          status: 404,
          detail: `No action ${action}; the actions are ${CONSUMER_ACTIONS.join(', ')}.`,
        });
      }
      if (opsToken === undefined) {
        throw new ProblemError({
          type: 'urn:passerelle:problem:ops-actions-disabled',
          title: 'Ops actions disabled',
          status: 403,
          detail: 'This runnable was started without OPS_TOKEN: its consumers cannot be paused, resumed or restarted.',
        });
      }
      if (!bearerMatches(request.headers.authorization, opsToken)) throw unauthorized();
      const consumer = consumers().find((candidate) => candidate.name === name);
      if (!consumer) {
        throw new ProblemError({
          type: 'urn:passerelle:problem:unknown-consumer',
          title: 'Not Found',
          status: 404,
          detail: `No consumer named ${name} in this runnable.`,
        });
      }
      request.log.warn({ consumer: name, action }, 'ops action on a consumer');
      if (action === 'pause') consumer.pause();
      else if (action === 'resume') consumer.resume();
      else await consumer.restart();
      return reply.status(202).send(consumer.status());
    },
  );
}
