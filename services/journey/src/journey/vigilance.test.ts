import { describe, expect, it } from 'vitest';
import { DE, Script } from '../../test/builder.js';

const retainedOn = (start: string, mode: 'FIXED_DATES' | 'PERMANENT' = 'FIXED_DATES', timeZone: string | null = null) =>
  new Script()
    .offer(start, '2026-07-10', mode, timeZone)
    .registered('REG-1')
    .kairos('PresenceRecorded', {
      registrationId: 'REG-1',
      presence: 'PRESENT',
      status: 'PRESENT',
      sourceLabel: 'Présent',
    })
    .kairos('RecruitmentResultRecorded', {
      registrationId: 'REG-1',
      result: 'RETENU',
      refusalReason: null,
      comment: null,
      status: 'RETENU',
      sourceLabel: 'Retenu',
    })
    .kairos('EnrolmentOpened', {
      enrolmentId: 'ENR-1',
      origin: 'RECRUITMENT_RESULT',
      originId: 'REG-1',
      de: null,
      status: 'INSCRIT_EN_FORMATION',
      sourceLabel: 'Inscrit en formation',
    });

const codes = (script: Script) => script.journey().vigilance.items.map((item) => item.code);
const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

describe('files under watch (dossiers en vigilance)', () => {
  // Session starting Monday 2026-04-13 (Paris, UTC+2): three working days later is Thursday 16; late from Friday 17.
  it('when no review happened yet, then nothing is flagged and the first deadline is due', () => {
    const { vigilance } = retainedOn('2026-04-13').journey();
    expect(vigilance.items).toEqual([]);
    expect(iso(vigilance.dueAt)).toBe('2026-04-12T22:00:00.000Z');
  });

  it('when the clock is before the session start, then the retained DE is not flagged yet', () => {
    const { vigilance } = retainedOn('2026-04-13').review('2026-04-12T21:59:00Z').journey();
    expect(vigilance.items).toEqual([]);
    expect(iso(vigilance.dueAt)).toBe('2026-04-12T22:00:00.000Z');
  });

  it('when the session has started without an entry, then RETAINED_NO_ENTRY until the third working day', () => {
    const script = retainedOn('2026-04-13').review('2026-04-16T21:59:00Z');
    const { vigilance } = script.journey();
    expect(vigilance.items).toEqual([
      {
        code: 'RETAINED_NO_ENTRY',
        label: 'Retenu, entrée non saisie depuis le début de la session',
        since: Date.parse('2026-04-12T22:00:00Z'),
        subjectId: 'ENR-1',
      },
    ]);
    expect(iso(vigilance.dueAt)).toBe('2026-04-16T22:00:00.000Z');
  });

  it('when three working days passed without entry, then ENTRY_NOT_DECLARED replaces it', () => {
    expect(codes(retainedOn('2026-04-13').review('2026-04-16T22:00:00Z'))).toEqual(['ENTRY_NOT_DECLARED']);
  });

  it('when a holiday falls in the three days, then the deadline moves a day (Easter Monday 2026-04-06)', () => {
    // Start Friday 3 April: Mon 6 is Easter Monday, so the working days are Tue 7, Wed 8, Thu 9: late from Fri 10.
    expect(codes(retainedOn('2026-04-03').review('2026-04-09T21:59:00Z'))).toEqual(['RETAINED_NO_ENTRY']);
    expect(codes(retainedOn('2026-04-03').review('2026-04-09T22:00:00Z'))).toEqual(['ENTRY_NOT_DECLARED']);
  });

  it('when the entry is declared, then the file leaves the watch', () => {
    const script = retainedOn('2026-04-13').review('2026-04-20T08:00:00Z').kairos('EntryRecorded', {
      enrolmentId: 'ENR-1',
      entryDate: '2026-04-13',
      status: 'ENTRE_EN_FORMATION',
      sourceLabel: 'Entrée effective',
    });
    expect(script.journey().vigilance).toEqual({ items: [], dueAt: null });
  });

  it('when a DE is enrolled after the start of a permanent-entry session, then his deadline counts from his enrolment', () => {
    const script = retainedOn('2026-01-05', 'PERMANENT').review('2026-03-03T08:00:00Z');
    // Enrolled on 2026-03-02 (the script's first day): late from Friday 6 March.
    expect(codes(script)).toEqual(['RETAINED_NO_ENTRY']);
    expect(iso(script.journey().vigilance.dueAt)).toBe('2026-03-05T23:00:00.000Z');
  });

  it('when a DE is still waitlisted at a fixed-dates session start, then WAITLISTED_AT_START (G11), never for permanent entries', () => {
    const waitlisted = (mode: 'FIXED_DATES' | 'PERMANENT') =>
      new Script()
        .offer('2026-04-13', '2026-07-10', mode)
        .registered('REG-1')
        .kairos('PresenceRecorded', {
          registrationId: 'REG-1',
          presence: 'PRESENT',
          status: 'PRESENT',
          sourceLabel: 'Présent',
        })
        .kairos('RecruitmentResultRecorded', {
          registrationId: 'REG-1',
          result: 'RETENU_EN_ATTENTE',
          refusalReason: null,
          comment: null,
          status: 'RETENU_EN_ATTENTE',
          sourceLabel: 'Retenu mis en attente',
        })
        .review('2026-04-13T06:00:00Z');
    expect(codes(waitlisted('FIXED_DATES'))).toEqual(['WAITLISTED_AT_START']);
    expect(codes(waitlisted('PERMANENT'))).toEqual([]);
  });

  it('when an ICO is past without presence, or with presence but no result, then APPOINTMENT_WITHOUT_OUTCOME', () => {
    const registeredOnIco = () =>
      new Script()
        .offer('2026-04-13', '2026-07-10')
        .appointment('ICO-1', '2026-03-20', '09:30', '11:30')
        .registered('REG-1');
    const before = registeredOnIco().review('2026-03-20T10:29:00Z');
    expect(codes(before)).toEqual([]);
    expect(iso(before.journey().vigilance.dueAt)).toBe('2026-03-20T10:30:00.000Z');
    expect(codes(registeredOnIco().review('2026-03-20T10:30:00Z'))).toEqual(['APPOINTMENT_WITHOUT_OUTCOME']);
    const present = registeredOnIco()
      .kairos('PresenceRecorded', {
        registrationId: 'REG-1',
        presence: 'PRESENT',
        status: 'PRESENT',
        sourceLabel: 'Présent',
      })
      .review('2026-03-21T08:00:00Z');
    expect(codes(present)).toEqual(['APPOINTMENT_WITHOUT_OUTCOME']);
    const absent = registeredOnIco()
      .kairos('PresenceRecorded', {
        registrationId: 'REG-1',
        presence: 'ABSENT',
        status: 'ABSENT',
        sourceLabel: 'Absent',
      })
      .review('2026-03-21T08:00:00Z');
    expect(codes(absent)).toEqual([]);
  });

  it('when the ICO is rescheduled or cancelled, then the watch follows the appointment', () => {
    const script = new Script()
      .offer('2026-04-13', '2026-07-10')
      .appointment('ICO-1', '2026-03-20', '09:30', '11:30')
      .registered('REG-1')
      .review('2026-03-21T08:00:00Z');
    expect(codes(script)).toEqual(['APPOINTMENT_WITHOUT_OUTCOME']);
    script.appointment('ICO-1', '2026-03-25', '09:30', '11:30');
    expect(codes(script)).toEqual([]);
    script.events.push({
      key: script.events[0]?.key ?? '',
      record: 'fr.passerelle.kairos.RecruitmentModalityCancelled',
      value: {
        envelope: { eventId: 'x', occurredAt: new Date(), recordedAt: new Date() },
        modalityId: 'ICO-1',
        reason: null,
        registrants: [],
      },
    });
    script.review('2026-03-26T08:00:00Z');
    expect(codes(script)).toEqual([]);
  });

  it('when an interview took place without presence or result, then the candidature is under watch', () => {
    const script = new Script()
      .offer('2026-04-13', '2026-07-10')
      .kairos('CandidatureReceived', {
        candidatureId: 'CAND-1',
        windowId: 'WIN-1',
        requestId: null,
        de: DE,
        status: 'CANDIDATURE_RECUE',
        sourceLabel: 'À contacter',
      })
      .kairos('CandidateContactRecorded', {
        candidatureId: 'CAND-1',
        outcome: 'CONTACTE',
        status: 'CONTACTE',
        sourceLabel: 'Contacté',
      })
      .kairos('InterviewScheduled', { candidatureId: 'CAND-1', date: '2026-03-24', time: '14:00', modality: 'PHONE' })
      .review('2026-03-24T13:00:00Z');
    expect(script.journey().vigilance.items).toMatchObject([
      { code: 'APPOINTMENT_WITHOUT_OUTCOME', label: 'Entretien passé sans présence ni résultat', subjectId: 'CAND-1' },
    ]);
  });

  it('when the clock goes back (an older review), then nothing changes', () => {
    const script = retainedOn('2026-04-13').review('2026-04-20T08:00:00Z');
    const before = script.state();
    script.review('2026-04-01T08:00:00Z');
    expect(script.state()).toEqual(before);
  });

  // Session starting Friday 2026-04-24. In Paris the third working day after is Wednesday 29: late from Thursday 30.
  // In Mayotte (UTC+3) Monday 27 April is a holiday (abolition of slavery): the third is Thursday 30, late from 1 May.
  it('when the session is held in Mayotte, then its deadlines fall at local midnight and skip its own holiday', () => {
    const at = '2026-04-29T23:00:00Z';
    expect(codes(retainedOn('2026-04-24').review(at))).toEqual(['ENTRY_NOT_DECLARED']);
    const { vigilance } = retainedOn('2026-04-24', 'FIXED_DATES', 'Indian/Mayotte').review(at).journey();
    expect(vigilance.items).toMatchObject([{ code: 'RETAINED_NO_ENTRY', since: Date.parse('2026-04-23T21:00:00Z') }]);
    expect(iso(vigilance.dueAt)).toBe('2026-04-30T21:00:00.000Z');
  });
});
