export { registerOpsRoutes } from './ops-routes.js';
export {
  type RunningService,
  runService,
  type ServiceContext,
  type ServiceDefinition,
  type StartOptions,
  serviceConfigSchema,
  startService,
} from './service.js';
export { type DueSession, SessionSweep, type SessionSweepOptions } from './sweep.js';
