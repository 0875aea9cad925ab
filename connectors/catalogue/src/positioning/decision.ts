import type {
  CandidatureReceived,
  ModalityKind,
  RefusalReason,
  RegistrationRecorded,
  RegistrationRefused,
} from '@passerelle/schemas';

/** Request ids the catalogue mints, in its own namespace: its read model keeps only its own answers. */
export const REQUEST_PREFIX = 'CAT-';

/** Kairos's one answer to a positioning request (CONVENTIONS), as the DE is told it. */
export type Decision =
  | { outcome: 'REGISTERED'; modalityId: string; modalityKind: ModalityKind; registrationId: string; decidedAt: Date }
  | { outcome: 'CANDIDATURE_RECEIVED'; modalityId: string; candidatureId: string; decidedAt: Date }
  | { outcome: 'REFUSED'; modalityId: string | null; reason: RefusalReason; message: string; decidedAt: Date };

/** The decision an event carries, when it answers one of the catalogue's requests. */
export function decisionOf(
  record: string | null,
  value: unknown,
): { requestId: string; decision: Decision } | undefined {
  if (value === null) return undefined;
  switch (record) {
    case 'fr.passerelle.kairos.RegistrationRecorded': {
      const event = value as RegistrationRecorded;
      if (!event.requestId?.startsWith(REQUEST_PREFIX)) return undefined;
      return {
        requestId: event.requestId,
        decision: {
          outcome: 'REGISTERED',
          modalityId: event.modalityId,
          modalityKind: event.modalityKind,
          registrationId: event.registrationId,
          decidedAt: event.envelope.occurredAt,
        },
      };
    }
    case 'fr.passerelle.kairos.CandidatureReceived': {
      const event = value as CandidatureReceived;
      if (!event.requestId?.startsWith(REQUEST_PREFIX)) return undefined;
      return {
        requestId: event.requestId,
        decision: {
          outcome: 'CANDIDATURE_RECEIVED',
          modalityId: event.windowId,
          candidatureId: event.candidatureId,
          decidedAt: event.envelope.occurredAt,
        },
      };
    }
    case 'fr.passerelle.kairos.RegistrationRefused': {
      const event = value as RegistrationRefused;
      if (!event.requestId.startsWith(REQUEST_PREFIX)) return undefined;
      return {
        requestId: event.requestId,
        decision: {
          outcome: 'REFUSED',
          modalityId: event.modalityId,
          reason: event.reason,
          message: event.message,
          decidedAt: event.envelope.occurredAt,
        },
      };
    }
    default:
      return undefined;
  }
}
