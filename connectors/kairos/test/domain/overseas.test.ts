import { describe, expect, it } from 'vitest';
import { at, de, Scenario, session } from './scenario.js';

/** The scenario's session, held in Mayotte (UTC+3 all year: 2 hours ahead of Paris in winter). */
const mayotte = () => new Scenario({ ...session, session: { ...session.session, timeZone: 'Indian/Mayotte' } });

describe('a session held overseas keeps its own clock (domain.md G21)', () => {
  it('when the session is in Mayotte, then its aggregate says so; an older event without a zone reads as Paris', () => {
    expect(mayotte().current.session?.timeZone).toBe('Indian/Mayotte');
    expect(
      new Scenario({ ...session, session: { ...session.session, timeZone: null } }).current.session?.timeZone,
    ).toBe('Europe/Paris');
  });

  it('when it is 08:00 in Paris, then an ICO at 09:30 today is still to come in Paris but already past in Mayotte', () => {
    const act = {
      type: 'modality.schedule',
      kind: 'ICO',
      date: '2026-12-10',
      startTime: '09:30',
      endTime: '11:30',
      place: 'Mamoudzou',
      capacity: 5,
    } as const;
    const paris = new Scenario();
    paris.now = at('2026-12-10T08:00:00');
    expect(paris.accept(act).status).toBe(201);
    const overseas = mayotte();
    overseas.now = at('2026-12-10T08:00:00'); // 10:00 in Mamoudzou
    expect(overseas.refuse(act)).toMatchObject({ status: 422, rule: 'DATE_IN_PAST', field: 'date' });
  });

  it('when the appointment has passed on the local clock, then presence is recorded there before it would be in Paris', () => {
    const overseas = mayotte();
    overseas.now = at('2026-12-09T12:00:00');
    const icoId = overseas.ico(5, '2026-12-10');
    const registrationId = overseas.register(icoId, 1);
    // 09:40 in Mamoudzou, 07:40 in Paris: the ICO of 09:30 has started there.
    overseas.now = at('2026-12-10T07:40:00');
    expect(overseas.accept({ type: 'registration.presence', registrationId, presence: 'PRESENT' }).status).toBe(200);
  });

  it('when an entry is declared, then "today" is the local date: the first day in Mayotte while it is still the eve in Paris', () => {
    const overseas = mayotte();
    const enrolmentId = overseas.accept({ type: 'enrolment.propose', de: de(7) }).result.enrolmentId as string;
    // 23:30 in Paris on 2027-01-10 is 01:30 on 2027-01-11 in Mamoudzou: the session has started there.
    overseas.now = at('2027-01-10T23:30:00');
    expect(overseas.accept({ type: 'enrolment.entry', enrolmentId, entryDate: '2027-01-11' }).status).toBe(200);
    const paris = new Scenario();
    const parisEnrolment = paris.accept({ type: 'enrolment.propose', de: de(7) }).result.enrolmentId as string;
    paris.now = at('2027-01-10T23:30:00');
    expect(
      paris.refuse({ type: 'enrolment.entry', enrolmentId: parisEnrolment, entryDate: '2027-01-11' }),
    ).toMatchObject({
      status: 422,
      rule: 'DATE_IN_FUTURE',
      field: 'entryDate',
    });
  });
});
