/** The catalogue connector runnable: `npm run -w connectors/catalogue start` (config from the environment, see config.ts). */
import { runService } from '@passerelle/runtime';
import { catalogueConnector } from './connector.js';

await runService(catalogueConnector());
