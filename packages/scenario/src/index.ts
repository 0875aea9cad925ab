export { lheoExport, type ScenarioOrganisation, type ScenarioSession, scenarioSessions } from './lheo.js';
export { PasserelleSystem, PrivateStack, type RunningRunnable, type StackAddresses } from './system.js';
