import { createHash, randomUUID } from 'node:crypto';
import { DE_IDENTIFIER_INPUT, journeyIdFor, type ModalityKind, type PositioningRequested } from '@passerelle/schemas';
import type { Prescriber } from '../follow-up/follow-up-store.js';

/** Checks a prescriber states it made (domain.md G24: priority public, prerequisites, remuneration rights). */
export const ELIGIBILITY_CHECKS = ['PRIORITY_PUBLIC', 'PREREQUISITES', 'REMUNERATION_RIGHTS'] as const;

/** The body of POST /prescriptions: the prescription content of domain.md G24, minus what the token tells. */
export interface PrescriptionRequest {
  /** The prescriber's own reference, unique within its organisation: a retried POST with it is the same prescription. */
  prescriptionId?: string;
  de: { ftId: string; lastName: string; firstName: string; email?: string | null; phone?: string | null };
  target: { sessionKey: string; modalityKind: Exclude<ModalityKind, 'UNKNOWN'>; modalityId?: string | null };
  /** Opaque reference of the advisor in the prescriber's system; never a name. */
  advisorId?: string | null;
  projectValidated: boolean;
  eligibilityChecks?: (typeof ELIGIBILITY_CHECKS)[number][];
  /** Expected funder, a LHEO dict-financeurs code. */
  fundingHint?: number | null;
  comment?: string | null;
}

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });
const nullable = (schema: object) => ({ anyOf: [schema, { type: 'null' }] });

/** JSON Schema of the body: a shape error is a 400 problem naming the field (service-kit's validation problem). */
export const prescriptionRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['de', 'target', 'projectValidated'],
  properties: {
    prescriptionId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$' },
    de: {
      type: 'object',
      additionalProperties: false,
      required: ['ftId', 'lastName', 'firstName'],
      properties: {
        // The France Travail identifier, spaces around it tolerated (trimmed and upper-cased before use).
        ftId: { type: 'string', pattern: `^\\s*${DE_IDENTIFIER_INPUT.source.slice(1, -1)}\\s*$` },
        lastName: text(100),
        firstName: text(100),
        email: nullable({ type: 'string', maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' }),
        phone: nullable({ type: 'string', pattern: '^\\+?[0-9][0-9 .-]{5,19}$' }),
      },
    },
    target: {
      type: 'object',
      additionalProperties: false,
      required: ['sessionKey', 'modalityKind'],
      properties: {
        sessionKey: { type: 'string', maxLength: 200, pattern: '^[^|\\s]+\\|[^|\\s]+\\|[^|\\s]+$' },
        modalityKind: { type: 'string', enum: ['ICO', 'RDVI', 'CANDIDATURE_WINDOW'] },
        modalityId: nullable(text(100)),
      },
    },
    advisorId: nullable(text(64)),
    projectValidated: { type: 'boolean' },
    eligibilityChecks: { type: 'array', uniqueItems: true, items: { type: 'string', enum: ELIGIBILITY_CHECKS } },
    fundingHint: nullable({ type: 'integer', minimum: 0, maximum: 99 }),
    comment: nullable({ type: 'string', maxLength: 2000 }),
  },
} as const;

/** A well-formed request a prescriber may still not make: a 422 problem naming the field. */
export interface RuleViolation {
  field: string;
  rule: string;
  message: string;
}

/**
 * Business rules on a well-formed request. A prescription validates the DE's project (domain.md G24, [FCUNI]):
 * positioning without it is not a prescription. A session the OUIFORM listing shows as closed to prescribers is
 * refused here (the channel's rule); a session the listing does not show (yet) is left to Kairos, which knows
 * every session and answers with a reasoned refusal.
 */
export function checkPrescriptionRules(
  request: PrescriptionRequest,
  listed?: { prescriberMayPosition: boolean },
): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (listed && !listed.prescriberMayPosition) {
    violations.push({
      field: 'body.target.sessionKey',
      rule: 'CLOSED_TO_PRESCRIBERS',
      message: 'this session does not take prescriptions on the OUIFORM channel',
    });
  }
  if (!request.projectValidated) {
    violations.push({
      field: 'body.projectValidated',
      rule: 'PROJECT_NOT_VALIDATED',
      message: "a prescription validates the DE's training project: projectValidated must be true",
    });
  }
  return violations;
}

/** Prefix of the request ids this connector creates: its read model and reply waiting recognise their own. */
export const REQUEST_PREFIX = 'ouiform-';

/** The positioning request's id: derived from the owner and its reference, so a retried POST is the same request. */
export function requestIdFor(owner: string, prescriptionId: string): string {
  return `${REQUEST_PREFIX}${createHash('sha256').update(`${owner}|${prescriptionId}`).digest('hex').slice(0, 32)}`;
}

export interface PositioningContext {
  prescriber: Prescriber & { owner: string };
  journeySecret: string;
  now: Date;
}

/** The PositioningRequested (origin prescriber, channel OUIFORM) a valid prescription request publishes. */
export function toPositioningRequested(
  request: PrescriptionRequest,
  { prescriber, journeySecret, now }: PositioningContext,
): PositioningRequested {
  const prescriptionId = request.prescriptionId ?? randomUUID();
  const requestId = requestIdFor(prescriber.owner, prescriptionId);
  const sessionKey = request.target.sessionKey;
  const journeyId = journeyIdFor(journeySecret, request.de.ftId, sessionKey);
  return {
    envelope: {
      eventId: `ouiform:${requestId}`,
      occurredAt: now,
      recordedAt: now,
      actor: {
        kind: 'PRESCRIBER',
        siret: null,
        organisationName: prescriber.organisation,
        prescriberNetwork: prescriber.network,
        channel: 'OUIFORM',
      },
      sourceSystem: 'OUIFORM',
      correlationId: journeyId,
      causationId: null,
    },
    requestId,
    journeyId,
    origin: 'PRESCRIBER',
    channel: 'OUIFORM',
    target: { sessionKey, modalityKind: request.target.modalityKind, modalityId: request.target.modalityId ?? null },
    de: {
      deIdentifier: request.de.ftId.trim().toUpperCase(),
      lastName: request.de.lastName.trim(),
      firstName: request.de.firstName.trim(),
      email: request.de.email?.trim() || null,
      phone: request.de.phone?.trim() || null,
    },
    prescription: {
      prescriptionId,
      network: prescriber.network,
      organisation: prescriber.organisation,
      advisorId: request.advisorId ?? null,
      projectValidated: request.projectValidated,
      eligibilityChecks: [...(request.eligibilityChecks ?? [])],
      fundingHint: request.fundingHint ?? null,
      comment: request.comment ?? null,
    },
  };
}
