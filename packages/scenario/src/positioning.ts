import type { PlannedTrainee } from './plan.js';

/** What the requester — a prescriber in Ouiform, a DE in the app — learns of Kairos's decision. */
export interface PositioningDecision {
  requestId: string;
  journeyId?: string;
  decision: 'ACCEPTED' | 'REFUSED';
  /** The refusal reason shown to the requester (RefusalReason). */
  refusal?: string;
  registrationId?: string;
  candidatureId?: string;
  /** Size of the confirmation letter a DE downloaded after a contact request on a candidature window. */
  letterBytes?: number;
}

/** Positioning a trainee on a modality through the channel his path says, and withdrawing it. */
export interface Positioning {
  position(trainee: PlannedTrainee, sessionKey: string, modalityId: string): Promise<PositioningDecision>;
  withdraw(trainee: PlannedTrainee, requestId: string): Promise<void>;
}
