/** The journey service runnable: `npm run -w services/journey start` (config from the environment, see config.ts). */
import { runService } from '@passerelle/runtime';
import { journeyService } from './service.js';

await runService(journeyService());
