/** The SOFI connector runnable: `npm run -w connectors/sofi start` (config from the environment, see connector.ts). */
import { runService } from '@passerelle/runtime';
import { sofiConnector } from './connector.js';

await runService(sofiConnector());
