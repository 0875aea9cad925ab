import { journeyIdFor } from '@passerelle/schemas';
import { type Api, ApiError, seg } from './api.js';
import type { PlannedTrainee, Target } from './plan.js';
import type { Positioning, PositioningDecision } from './positioning.js';

const MODALITY_KIND: Record<Target, 'ICO' | 'RDVI' | 'CANDIDATURE_WINDOW'> = {
  ICO_A: 'ICO',
  ICO_B: 'ICO',
  ICO_SMALL: 'ICO',
  RDVI: 'RDVI',
  WINDOW: 'CANDIDATURE_WINDOW',
};

/** Statuses by which the requester learns that Kairos accepted the positioning. */
const ACCEPTED = new Set(['INSCRIT', 'CANDIDATURE_RECUE']);

interface SelfRegistrationView {
  requestId: string;
  status: 'PENDING' | 'ACCEPTED' | 'REFUSED' | 'WITHDRAWN';
  decision: { outcome: string; reason?: string | null } | null;
  links: { self: string; letter?: string };
}

interface PrescriptionView {
  prescriptionId: string;
  requestId: string;
  journeyId: string;
  decision: { status: string; detail?: Record<string, unknown> } | null;
}

/**
 * Positioning through the real front doors: a prescriber's prescription in Ouiform (`POST /prescriptions`, with
 * the prescriber's own reference so a retried POST is the same prescription), or a DE's self-registration from a
 * catalogue channel. Kairos's registration or candidature id comes from the OF's registrant list, as the OF would
 * see it.
 */
export class HttpPositioning implements Positioning {
  constructor(
    private readonly apis: {
      ouiform: Api;
      catalogue: Api;
      kairos: Api;
      /** The channels' identity layer: a DE's token after his login. */
      deTokenFor: (deIdentifier: string) => string;
      /** To name the journey of a self-registered DE, as every component holding the secret can. */
      journeySecret: string;
    },
    private readonly runId: string,
  ) {}

  async position(trainee: PlannedTrainee, sessionKey: string, modalityId: string): Promise<PositioningDecision> {
    const decision =
      trainee.path.origin === 'OUIFORM'
        ? await this.#prescribe(trainee, sessionKey, modalityId)
        : await this.#selfRegister(trainee, sessionKey, modalityId);
    if (decision.decision === 'ACCEPTED')
      Object.assign(decision, await this.#kairosIds(sessionKey, modalityId, decision.requestId));
    return decision;
  }

  async withdraw(trainee: PlannedTrainee, _requestId: string): Promise<void> {
    await this.apis.ouiform.send('DELETE', `/prescriptions/${seg(this.#prescriptionId(trainee))}`);
  }

  #prescriptionId(trainee: PlannedTrainee) {
    return `demo-${this.runId}-${trainee.id}`;
  }

  async #prescribe(trainee: PlannedTrainee, sessionKey: string, modalityId: string): Promise<PositioningDecision> {
    const prescriptionId = this.#prescriptionId(trainee);
    const answer = await this.apis.ouiform.send<PrescriptionView>('POST', '/prescriptions', {
      prescriptionId,
      de: { ftId: trainee.deIdentifier, lastName: trainee.lastName, firstName: trainee.firstName },
      target: { sessionKey, modalityKind: MODALITY_KIND[trainee.path.target], modalityId },
      advisorId: 'CONSEILLER-042',
      projectValidated: true,
      eligibilityChecks: ['PRIORITY_PUBLIC', 'PREREQUISITES'],
    });
    let view = answer.body;
    // 202: Kairos has not answered within Ouiform's wait; follow the prescription until it has.
    const deadline = Date.now() + 30_000;
    while (!view.decision && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      view = await this.apis.ouiform.get<PrescriptionView>(`/prescriptions/${seg(prescriptionId)}`);
    }
    if (!view.decision) throw new Error(`No decision on prescription ${prescriptionId} within 30 s`);
    return {
      requestId: view.requestId,
      journeyId: view.journeyId,
      decision: ACCEPTED.has(view.decision.status) ? 'ACCEPTED' : 'REFUSED',
      ...(ACCEPTED.has(view.decision.status)
        ? {}
        : { refusal: String(view.decision.detail?.reason ?? view.decision.status) }),
    };
  }

  /**
   * A DE registers himself from the app or Trouver ma formation, with the token the channel's identity layer gave
   * him at login; a contact request on a candidature window comes with a confirmation letter (PDF) he downloads.
   */
  async #selfRegister(trainee: PlannedTrainee, sessionKey: string, modalityId: string): Promise<PositioningDecision> {
    const de = this.apis.catalogue.withToken(this.apis.deTokenFor(trainee.deIdentifier));
    const path = `/channels/${trainee.path.origin}/sessions/${seg(sessionKey)}/positionings`;
    let view = (
      await de.send<SelfRegistrationView>('POST', path, {
        modalityId,
        firstName: trainee.firstName,
        lastName: trainee.lastName,
      })
    ).body;
    const deadline = Date.now() + 30_000;
    while (view.status === 'PENDING' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      view = await de.get<SelfRegistrationView>(view.links.self);
    }
    if (view.status === 'PENDING') throw new Error(`No decision on self-registration ${view.requestId} within 30 s`);
    let letterBytes: number | undefined;
    if (view.links.letter) {
      const letter = await de.call<string>('GET', view.links.letter);
      letterBytes = letter.body.length;
      if (!String(letter.body).startsWith('%PDF-'))
        throw new Error(`The confirmation letter of ${view.requestId} is not a PDF`);
    }
    return {
      requestId: view.requestId,
      journeyId: journeyIdFor(this.apis.journeySecret, trainee.deIdentifier, sessionKey),
      decision: view.status === 'ACCEPTED' ? 'ACCEPTED' : 'REFUSED',
      ...(view.status === 'ACCEPTED' ? {} : { refusal: String(view.decision?.reason ?? view.status) }),
      ...(letterBytes !== undefined ? { letterBytes } : {}),
    };
  }

  /**
   * The registration or candidature Kairos made of the request, from the OF's registrant list. The requester heard
   * the decision first; Kairos's read model of that instance follows within moments.
   */
  async #kairosIds(sessionKey: string, modalityId: string, requestId: string) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const list = await this.apis.kairos.get<{
        registrants?: Array<{ registrationId: string; requestId: string | null }>;
        candidatures?: Array<{ candidatureId: string; requestId: string | null }>;
      }>(`/sessions/${seg(sessionKey)}/modalities/${seg(modalityId)}/registrants`);
      const registration = list.registrants?.find((r) => r.requestId === requestId);
      if (registration) return { registrationId: registration.registrationId };
      const candidature = list.candidatures?.find((c) => c.requestId === requestId);
      if (candidature) return { candidatureId: candidature.candidatureId };
      if (Date.now() > deadline)
        throw new ApiError('GET', `registrants of ${modalityId}`, {
          status: 404,
          detail: `Kairos lists no registration or candidature for request ${requestId}`,
        });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
