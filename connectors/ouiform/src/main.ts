/** The Ouiform connector runnable: `npm run -w connectors/ouiform start` (config from the environment, see config.ts). */
import { runService } from '@passerelle/runtime';
import { ouiformConnector } from './connector.js';

await runService(ouiformConnector());
