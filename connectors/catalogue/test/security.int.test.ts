import { outputsOf } from '@passerelle/schemas';
import { waitFor } from '@passerelle/test-kit';
import { LogCapture, securityPass } from '@passerelle/test-kit/security';
import { describe, expect, it } from 'vitest';
import {
  call,
  candidatureWindow,
  DE_IDENTIFIER,
  DE_TOKEN,
  OTHER_DE_IDENTIFIER,
  OTHER_DE_TOKEN,
  offerWith,
  SEARCH_TOKEN,
  sessionPath,
  useCatalogue,
} from './harness.js';

// Every route of the catalogue's API, from its /openapi.json, attacked with the security cases
// (packages/test-kit/src/security.ts): a session is listed on TMF and a DE has registered himself on it, so another
// DE's token is refused on his positioning.

const OPS_TOKEN = 'ops-token-of-the-security-pass';
const FT_ADVISER = 'audef-adviser-token-of-the-security-pass';
const OTHER_FT_AGENCY = 'audef-other-agency-token-of-the-security-pass';
const logs = new LogCapture();
const { broker, prefix, service } = useCatalogue(
  {
    LOG_LEVEL: 'debug',
    CATALOGUE_DECISION_TIMEOUT_MS: '200',
    OPS_TOKEN,
    CATALOGUE_TOKENS: JSON.stringify({
      [SEARCH_TOKEN]: { role: 'SEARCH' },
      [DE_TOKEN]: { role: 'DE', deIdentifier: DE_IDENTIFIER },
      [OTHER_DE_TOKEN]: { role: 'DE', deIdentifier: OTHER_DE_IDENTIFIER },
      [FT_ADVISER]: { role: 'PRESCRIBER', prescriberNetwork: 'FRANCE_TRAVAIL', organisation: 'FT-LILLE-SUD' },
      [OTHER_FT_AGENCY]: { role: 'PRESCRIBER', prescriberNetwork: 'FRANCE_TRAVAIL', organisation: 'FT-ROUBAIX' },
    }),
  },
  { logDestination: logs.stream },
);

describe('security — every route of the catalogue connector', () => {
  it('when hostile requests hit every route, then each is a 4xx problem+json, nothing is published, nothing personal logged', async (context) => {
    const offer = offerWith('Sécurité des routes');
    await broker.publishOffer('fr.passerelle.offer.SessionPublished', offer);
    await broker.schedule(offer.sessionKey, candidatureWindow('WIN-S', 3));
    await waitFor(
      async () => (await call(service.url, sessionPath('TMF', offer.sessionKey))).body?.modalities?.length === 1,
      { description: 'the session on TMF' },
    );
    const pending = await call(service.url, `${sessionPath('TMF', offer.sessionKey)}/positionings`, {
      token: DE_TOKEN,
      method: 'POST',
      body: { modalityId: 'WIN-S', firstName: 'Irène', lastName: 'Boisselier', email: 'irene.b@example.org' },
    });
    expect(pending.status).toBe(202);
    await waitFor(() => broker.positionings.some((request) => request.requestId === pending.body.requestId), {
      description: 'the positioning request on the broker',
    });

    const report = await securityPass({
      runnable: 'connector-catalogue',
      url: service.url,
      token: DE_TOKEN,
      foreignToken: OTHER_DE_TOKEN,
      opsToken: OPS_TOKEN,
      ids: { channel: 'TMF', sessionKey: offer.sessionKey, requestId: pending.body.requestId },
      shared: {
        'GET /channels/{channel}/sessions': 'a search: any front end or DE runs it',
        'GET /channels/{channel}/sessions/{sessionKey}': 'a listing: public to every search token',
        'POST /channels/{channel}/sessions/{sessionKey}/positionings': 'any DE registers himself on a listed session',
      },
      bus: broker.bus,
      outputs: outputsOf('connector-catalogue').map((topic) => `${prefix}${topic.name}`),
      logs,
      minimumCases: 60,
    });
    context.task.meta.securityCases = report.cases.length;
    expect(report.failures).toEqual([]);
    expect(report.published).toEqual({});
    expect(report.leaked).toEqual([]);
  });

  it('when hostile requests hit every route as AUDEF advisers, then another agency is refused its positioning, nothing is published, nothing personal logged', async (context) => {
    const offer = offerWith('Sécurité des routes AUDEF');
    await broker.publishOffer('fr.passerelle.offer.SessionPublished', offer);
    await broker.schedule(offer.sessionKey, candidatureWindow('WIN-A', 3));
    await waitFor(
      async () => (await call(service.url, sessionPath('AUDEF', offer.sessionKey))).body?.modalities?.length === 1,
      { description: 'the session on AUDEF' },
    );
    const pending = await call(service.url, `${sessionPath('AUDEF', offer.sessionKey)}/positionings`, {
      token: FT_ADVISER,
      method: 'POST',
      body: {
        modalityId: 'WIN-A',
        deIdentifier: '5566778E',
        firstName: 'Irène',
        lastName: 'Boisselier',
        email: 'irene.b@example.org',
        projectValidated: true,
      },
    });
    expect(pending.status).toBe(202);
    await waitFor(() => broker.positionings.some((request) => request.requestId === pending.body.requestId), {
      description: 'the AUDEF positioning on the broker',
    });

    const report = await securityPass({
      runnable: 'connector-catalogue',
      url: service.url,
      token: FT_ADVISER,
      foreignToken: OTHER_FT_AGENCY,
      ids: { channel: 'AUDEF', sessionKey: offer.sessionKey, requestId: pending.body.requestId },
      shared: {
        'GET /channels/{channel}/sessions': 'a search: any adviser runs it',
        'GET /channels/{channel}/sessions/{sessionKey}': 'a listing: public to every adviser',
        'POST /channels/{channel}/sessions/{sessionKey}/positionings': 'any France Travail agency positions a DE',
      },
      bus: broker.bus,
      outputs: outputsOf('connector-catalogue').map((topic) => `${prefix}${topic.name}`),
      logs,
      minimumCases: 60,
    });
    context.task.meta.securityCases = report.cases.length;
    expect(report.failures).toEqual([]);
    expect(report.published).toEqual({});
    expect(report.leaked).toEqual([]);
  });
});
