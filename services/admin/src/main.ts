/** The admin runnable: `npm run -w services/admin start` (config from the environment, see admin.ts). */
import { runService } from '@passerelle/runtime';
import { adminService } from './admin.js';

await runService(adminService());
