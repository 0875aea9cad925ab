import type { ServiceDefinition } from '@passerelle/runtime';
import { z } from '@passerelle/service-kit';
import { OFFER_TOPIC, OfferImporter } from './import/offer-importer.js';
import { type DropFolder, watchDropFolder } from './inbound/drop-folder.js';
import { LastImport, registerUploadRoutes } from './inbound/http-upload.js';
import { DEFAULT_LHEO_LIMITS } from './lheo/limits.js';
import { offerContracts } from './offer-contracts.js';

const GIB = 1024 ** 3;

export const sofiConfigSchema = z.object({
  /** Bearer token SOFI presents on uploads (and ops on `GET /imports/last`). */
  SOFI_API_TOKEN: z.string().min(16),
  SOFI_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(GIB),
  /** Root of the watched drop folder (`incoming/`, `processing/`, `done/`, `rejected/`); no folder when unset. */
  SOFI_DROP_DIR: z.string().min(1).optional(),
  SOFI_DROP_INTERVAL_MS: z.coerce.number().int().min(10).default(2000),
  /** Most sessions in one export: a larger one is refused (memory per session stays bounded). */
  SOFI_MAX_SESSIONS: z.coerce.number().int().positive().default(DEFAULT_LHEO_LIMITS.maxSessions),
  /** The offer topic; another name only for tests and rehearsals. */
  SOFI_OFFER_TOPIC: z.string().min(1).default(OFFER_TOPIC),
});

/**
 * The SOFI connector as a runnable: the HTTP upload and the drop folder feeding one importer (imports run one at a
 * time). The offer topic comes from `SOFI_OFFER_TOPIC` in `env`, as the contracts must know it before start.
 */
export function sofiConnector(env: NodeJS.ProcessEnv = process.env): ServiceDefinition<typeof sofiConfigSchema> {
  return {
    name: 'connector-sofi',
    contracts: offerContracts(env.SOFI_OFFER_TOPIC || OFFER_TOPIC),
    configSchema: sofiConfigSchema,
    setup({ config, bus, log, http }) {
      const importer = new OfferImporter({
        bus,
        log,
        topic: config.SOFI_OFFER_TOPIC,
        limits: { maxSessions: config.SOFI_MAX_SESSIONS },
      });
      const lastImport = new LastImport();
      registerUploadRoutes(http, {
        importer,
        token: config.SOFI_API_TOKEN,
        maxBytes: config.SOFI_MAX_UPLOAD_BYTES,
        lastImport,
      });
      const dropDir = config.SOFI_DROP_DIR;
      if (dropDir !== undefined) {
        let folder: Promise<DropFolder> | undefined;
        // Watch once the server is ready (after the bus started), stop before the bus does: `stop()` closes HTTP
        // first, and onClose waits for the import in progress.
        http.addHook('onReady', async () => {
          folder = watchDropFolder({
            dir: dropDir,
            importer,
            log,
            intervalMs: config.SOFI_DROP_INTERVAL_MS,
            onReport: (file, report) => lastImport.record('drop-folder', file, report),
          });
          await folder;
        });
        http.addHook('onClose', async () => {
          await (await folder)?.stop();
        });
      }
    },
  };
}
