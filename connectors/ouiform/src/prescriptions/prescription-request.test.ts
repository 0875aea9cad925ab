import { journeyIdFor } from '@passerelle/schemas';
import { describe, expect, it } from 'vitest';
import {
  checkPrescriptionRules,
  type PrescriptionRequest,
  REQUEST_PREFIX,
  requestIdFor,
  toPositioningRequested,
} from './prescription-request.js';

const request: PrescriptionRequest = {
  prescriptionId: 'PRES-1',
  de: { ftId: ' 1234567a ', lastName: 'Martin', firstName: 'Camille', email: 'c.martin@example.org' },
  target: { sessionKey: '14_AF_1|14_SE_2|SE_2', modalityKind: 'ICO', modalityId: 'ICO-1' },
  advisorId: 'ADV-1',
  projectValidated: true,
  eligibilityChecks: ['PRIORITY_PUBLIC'],
  fundingHint: 2,
};
const prescriber = { network: 'MISSION_LOCALE' as const, organisation: 'ML-NANTES', owner: 'MISSION_LOCALE:ML-NANTES' };
const context = { prescriber, journeySecret: 'a-journey-secret-for-tests', now: new Date('2026-04-10T08:00:00Z') };

describe('toPositioningRequested', () => {
  it('when a prescriber positions a DE, then the request carries the prescription, the journey id and a prescriber origin', () => {
    const positioning = toPositioningRequested(request, context);
    expect(positioning).toMatchObject({
      requestId: requestIdFor(prescriber.owner, 'PRES-1'),
      journeyId: journeyIdFor(context.journeySecret, '1234567A', request.target.sessionKey),
      origin: 'PRESCRIBER',
      channel: 'OUIFORM',
      target: { sessionKey: request.target.sessionKey, modalityKind: 'ICO', modalityId: 'ICO-1' },
      de: { deIdentifier: '1234567A', phone: null },
      prescription: { prescriptionId: 'PRES-1', network: 'MISSION_LOCALE', organisation: 'ML-NANTES', fundingHint: 2 },
      envelope: { actor: { kind: 'PRESCRIBER', channel: 'OUIFORM' }, sourceSystem: 'OUIFORM' },
    });
    expect(positioning.requestId.startsWith(REQUEST_PREFIX)).toBe(true);
    expect(positioning.envelope.correlationId).toBe(positioning.journeyId);
  });

  it('when the same prescription is posted again, then it is the same request; another organisation’s is not', () => {
    expect(toPositioningRequested(request, context).requestId).toBe(toPositioningRequested(request, context).requestId);
    expect(requestIdFor('CAP_EMPLOI:CE-44', 'PRES-1')).not.toBe(requestIdFor(prescriber.owner, 'PRES-1'));
    const { prescriptionId: _none, ...anonymous } = request;
    expect(toPositioningRequested(anonymous, context).prescription?.prescriptionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when the project is not validated or the listing closes the session to prescribers, then the rule names the field', () => {
    expect(checkPrescriptionRules(request)).toEqual([]);
    expect(checkPrescriptionRules(request, { prescriberMayPosition: true })).toEqual([]);
    expect(checkPrescriptionRules(request, { prescriberMayPosition: false })).toEqual([
      expect.objectContaining({ field: 'body.target.sessionKey', rule: 'CLOSED_TO_PRESCRIBERS' }),
    ]);
    expect(checkPrescriptionRules({ ...request, projectValidated: false })).toEqual([
      expect.objectContaining({ field: 'body.projectValidated', rule: 'PROJECT_NOT_VALIDATED' }),
    ]);
  });
});
