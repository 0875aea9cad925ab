import type { PositioningRequested } from '@passerelle/schemas';
import { patience, waitFor } from '@passerelle/test-kit';
import {
  call,
  candidatureWindow,
  DE_IDENTIFIER,
  ico,
  offerWith,
  type Response,
  sessionPath,
  trainee,
  useCatalogue,
} from './harness.js';

// What the DE self-registration files share: the connector they start, and the test's part as Kairos (the connector
// that decides), publishing its answers on kairos.session-events with the request id and causation id of the contract.

// How long the connector waits for Kairos's answer before a 202: the tests that expect the decision in the answer
// wait on the system (the test's follower, its answer, the connector's follower), so it scales like any deadline.
// (Tests get the default timeout, patience(60 s): the slowest waits out that timeout four times.)
export const DECISION_TIMEOUT_MS = patience(4000);

/** The channels a DE registers from, where these tests POST. */
export const DE_CHANNELS = ['TMF', 'MA_FORMATION'] as const;

export const positionings = (channel: string, sessionKey: string) => `${sessionPath(channel, sessionKey)}/positionings`;
export const me = {
  firstName: 'Camille',
  lastName: 'Lefèvre',
  email: 'camille@example.org',
  phone: '+33 6 00 00 00 00',
};

/** A test file's connector for self-registration, and the test playing Kairos for the requests it publishes. */
export function useSelfRegistration() {
  const file = useCatalogue({ CATALOGUE_DECISION_TIMEOUT_MS: String(DECISION_TIMEOUT_MS) });
  const { broker, service } = file;

  /**
   * A new session with an ICO and a candidature window, once both DE channels show it with them. Each channel's
   * listing is a record of its own (keyed `channel|session`, so often on another partition), and the connector's
   * follower may show TMF's a moment before MA_FORMATION's: waiting on TMF alone let a POST on MA_FORMATION meet a
   * listing without its window yet (400, nothing published).
   */
  async function listedSession(title: string) {
    const offer = offerWith(title);
    await broker.publishOffer('fr.passerelle.offer.SessionPublished', offer);
    await broker.schedule(offer.sessionKey, ico('ICO-1', 10));
    await broker.schedule(offer.sessionKey, candidatureWindow('WIN-1', 15));
    const shown: Record<string, number | undefined> = {};
    await waitFor(
      async () => {
        for (const channel of DE_CHANNELS)
          shown[channel] = (await call(service.url, sessionPath(channel, offer.sessionKey))).body?.modalities?.length;
        return DE_CHANNELS.every((channel) => shown[channel] === 2);
      },
      {
        description: () =>
          `the session and its two modalities on ${DE_CHANNELS.join(' and ')} (${JSON.stringify(shown)})`,
      },
    );
    return offer;
  }

  /** The request the connector published for this session (as committed on the broker). */
  const publishedRequest = (sessionKey: string) =>
    waitFor(() => broker.positionings.find((request) => request.target.sessionKey === sessionKey), {
      description: `the positioning request on ${sessionKey}`,
    });

  /** Kairos's answer to a request (the test plays Kairos): same requestId, causationId = the request's eventId. */
  async function answerAsKairos(request: PositioningRequested, answer: 'CANDIDATURE' | 'REGISTRATION' | 'REFUSAL') {
    const sessionKey = request.target.sessionKey;
    const common = { ...trainee(sessionKey, DE_IDENTIFIER), journeyId: request.journeyId };
    const envelope = {
      eventId: `kairos:${request.requestId}:answer`,
      occurredAt: new Date(),
      recordedAt: new Date(),
      actor: {
        kind: 'SYSTEM' as const,
        siret: null,
        organisationName: null,
        prescriberNetwork: null,
        channel: 'KAIROS' as const,
      },
      sourceSystem: 'KAIROS' as const,
      correlationId: request.journeyId,
      causationId: request.envelope.eventId,
    };
    const event =
      answer === 'CANDIDATURE'
        ? {
            record: 'fr.passerelle.kairos.CandidatureReceived',
            value: {
              envelope,
              ...common,
              candidatureId: `CAND-${request.requestId}`,
              windowId: request.target.modalityId ?? 'WIN-1',
              requestId: request.requestId,
              de: request.de,
              status: 'CANDIDATURE_RECUE',
              sourceLabel: 'À contacter',
            },
          }
        : answer === 'REGISTRATION'
          ? {
              record: 'fr.passerelle.kairos.RegistrationRecorded',
              value: {
                envelope,
                ...common,
                registrationId: `REG-${request.requestId}`,
                modalityId: request.target.modalityId ?? 'ICO-1',
                modalityKind: 'ICO',
                slotTime: null,
                requestId: request.requestId,
                de: request.de,
                status: 'INSCRIT',
                sourceLabel: 'Inscrit',
              },
            }
          : {
              record: 'fr.passerelle.kairos.RegistrationRefused',
              value: {
                envelope,
                ...common,
                requestId: request.requestId,
                modalityId: request.target.modalityId,
                reason: 'NO_PLACE',
                message: "Il n'y a plus de place disponible sur ce rendez-vous.",
              },
            };
    await broker.bus.publish([{ topic: broker.topics.sessionEvents, key: sessionKey, ...event }]);
  }

  /**
   * Makes a self-registration while playing Kairos for the request it publishes. A POST answered without publishing
   * (a 4xx) fails at once with its answer, rather than leaving the test waiting for a request that never comes.
   */
  async function registerAnsweredAs(
    sessionKey: string,
    answer: 'CANDIDATURE' | 'REGISTRATION' | 'REFUSAL',
    post: () => Promise<Response>,
  ): Promise<Response> {
    const answering = publishedRequest(sessionKey).then((request) => answerAsKairos(request, answer));
    // Observed at once: if the POST fails first, this wait's own failure must not surface as an unhandled rejection.
    answering.catch(() => undefined);
    const response = await post();
    if (response.status >= 400)
      throw new Error(
        `The POST answered ${response.status} ${JSON.stringify(response.body)}: nothing for Kairos to answer`,
      );
    await answering;
    return response;
  }

  return { ...file, listedSession, publishedRequest, answerAsKairos, registerAnsweredAs };
}
