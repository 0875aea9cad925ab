export { adminConfigSchema, adminService } from './admin.js';
export { type ConnectorStatus, connectorState, parseTargets, Runnables, type Target } from './targets.js';
