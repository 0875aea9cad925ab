/** The Kairos connector runnable: `npm run -w connectors/kairos start` (config from the environment, see config.ts). */
import { runService } from '@passerelle/runtime';
import { kairosConnector } from './connector.js';

await runService(kairosConnector());
