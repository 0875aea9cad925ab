import type { HttpServer, Logger, RouteSchema } from '@passerelle/service-kit';
import {
  bearerMatches,
  invalidRequest,
  json,
  ProblemError,
  problem,
  problems,
  serveOpenApi,
  unauthorized,
} from '@passerelle/service-kit';
import type { ImportReport, OfferImporter } from '../import/offer-importer.js';

/** Media types `POST /imports` takes: the LHEO export as sent, never parsed nor buffered by the HTTP layer. */
export const UPLOAD_MEDIA_TYPES = ['application/xml', 'text/xml', 'application/octet-stream'] as const;

export const LHEO_REJECTED = 'urn:passerelle:problem:lheo-rejected';

/** The most recent import whatever its input (HTTP upload, drop folder), for `GET /imports/last`. */
export class LastImport {
  #last: (ImportReport & { input: string; source: string; finishedAt: string }) | undefined;
  record(input: 'http' | 'drop-folder' | 'cli', source: string, report: ImportReport): void {
    this.#last = { ...report, input, source, finishedAt: new Date().toISOString() };
  }
  get(): (ImportReport & { input: string; source: string; finishedAt: string }) | undefined {
    return this.#last;
  }
}

export interface UploadRoutesOptions {
  importer: Pick<OfferImporter, 'import'>;
  /** The bearer token SOFI sends; compared in constant time, never logged. */
  token: string;
  /** Largest body accepted, in bytes: beyond it the import aborts (nothing published) and the answer is 413. */
  maxBytes: number;
  lastImport?: LastImport;
  log?: Logger;
}

const tooLarge = (maxBytes: number) =>
  new ProblemError({
    type: 'urn:passerelle:problem:payload-too-large',
    title: 'Payload Too Large',
    status: 413,
    detail: `The LHEO export is larger than ${maxBytes} bytes; nothing was published.`,
    errors: [{ field: 'body', message: `must be at most ${maxBytes} bytes` }],
  });

/** Hands the body through while counting it; throws a 413 problem as soon as it goes over `maxBytes`. */
async function* limited(body: AsyncIterable<Uint8Array>, maxBytes: number): AsyncIterable<Uint8Array> {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge(maxBytes);
    yield chunk;
  }
}

const isStream = (body: unknown): body is AsyncIterable<Uint8Array> =>
  typeof body === 'object' && body !== null && Symbol.asyncIterator in body;

/**
 * `POST /imports` (the SOFI upload) and `GET /imports/last`, both behind the bearer token.
 *
 * The upload's body is streamed into the importer as it arrives: a national export never sits in memory, and the
 * import's one Kafka transaction commits only when the whole file is read and valid. So a body over the limit, a
 * client that goes away mid-upload or an invalid file publish nothing. Answers: 200 with the import report
 * (committed), 422 problem+json `lheo-rejected` with the report's errors and warnings (line and path each), 401
 * (no or wrong token, no detail), 413 (too large), 415 (not XML / octet-stream). Two uploads at once are
 * imported one after the other (the importer serialises imports; the second waits, its body held back by TCP).
 */
export function registerUploadRoutes(http: HttpServer, options: UploadRoutesOptions): void {
  const { importer, token, maxBytes, lastImport = new LastImport() } = options;
  serveOpenApi(http, INFO);
  void http.register(async (scope) => {
    // The request stream itself becomes `request.body`: no buffering, no parsing before the importer reads it.
    scope.addContentTypeParser([...UPLOAD_MEDIA_TYPES], (_request, payload, done) => done(null, payload));

    scope.addHook('onRequest', async (request) => {
      if (!bearerMatches(request.headers.authorization, token)) throw unauthorized();
    });

    scope.post(
      '/imports',
      {
        schema: importSchema,
        // The body is the stream the importer reads, never parsed here: shown, not validated.
        config: {
          checkedByHand: {
            body: { type: 'string', format: 'binary', description: 'The LHEO export, as SOFI sends it' },
            querystring: { type: 'object', properties: { name: { type: 'string', description: 'Its source name' } } },
          },
        },
        onRequest: async (request, reply) => {
          const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
          if (!(UPLOAD_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
            throw new ProblemError({
              type: 'urn:passerelle:problem:unsupported-media-type',
              title: 'Unsupported Media Type',
              status: 415,
              detail: `Content-Type must be one of ${UPLOAD_MEDIA_TYPES.join(', ')}.`,
              errors: [{ field: 'header.content-type', message: `must be one of ${UPLOAD_MEDIA_TYPES.join(', ')}` }],
            });
          }
          const declared = Number(request.headers['content-length'] ?? Number.NaN);
          if (declared > maxBytes) {
            // Refused before a byte is read; close the connection rather than drain what the client still sends.
            void reply.header('connection', 'close');
            throw tooLarge(maxBytes);
          }
        },
      },
      async (request, reply) => {
        const body = request.body;
        if (!isStream(body)) throw missingBody();
        const query = request.query as { name?: unknown };
        const sourceName = typeof query.name === 'string' && query.name !== '' ? query.name.slice(0, 200) : 'upload';
        let report: ImportReport;
        try {
          report = await importer.import(limited(body, maxBytes), { sourceName });
        } catch (error) {
          if (error instanceof ProblemError && error.problem.status === 413) void reply.header('connection', 'close');
          throw error;
        }
        lastImport.record('http', sourceName, report);
        if (report.committed) return reply.status(200).send(report);
        return reply
          .status(422)
          .type('application/problem+json')
          .send({
            type: LHEO_REJECTED,
            title: 'LHEO export rejected',
            status: 422,
            detail: `The export has ${report.errorCount} error(s); nothing was published.`,
            instance: request.url,
            importId: report.importId,
            lheoVersion: report.lheoVersion,
            errorCount: report.errorCount,
            warningCount: report.warningCount,
            errors: report.errors,
            warnings: report.warnings,
          });
      },
    );

    const lastSchema = {
      tags: ['Import'],
      summary: 'The most recent import, whatever its input (upload, drop folder)',
      response: { 200: json('Its report'), ...problems({ 401: 'No or wrong token', 404: 'No import yet' }) },
    };
    scope.get('/imports/last', { schema: lastSchema }, async () => {
      const last = lastImport.get();
      if (last === undefined) throw problem(404, 'about:blank', 'Not Found', 'No import yet.');
      return last;
    });
  });
}

const missingBody = () =>
  invalidRequest([{ field: 'body', message: 'is required' }], {
    detail: 'The request has no body: send the LHEO export as the body.',
  });

const INFO = {
  title: 'Passerelle — SOFI connector',
  version: '1',
  description:
    'SOFI uploads its LHEO export; the connector validates it and publishes the offer (formations, actions, sessions) in one transaction: all of it, or nothing.',
};

// Typed as a plain schema: a 422 with the import report is sent by the handler, not thrown.
const importSchema: RouteSchema = {
  tags: ['Import'],
  summary: 'Import a LHEO export (streamed; published in one transaction, or not at all)',
  consumes: [...UPLOAD_MEDIA_TYPES],
  response: {
    200: json('Imported: the import report'),
    ...problems({
      400: 'No body',
      401: 'No or wrong token',
      413: `Larger than the limit: nothing published`,
      415: 'Not XML nor octet-stream',
      422: 'The export has errors (each with its line and path): nothing published',
    }),
  },
};
