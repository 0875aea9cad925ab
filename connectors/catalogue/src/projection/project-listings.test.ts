import type { EventEnvelope, EventRecordName, RecordTypes, RecruitmentState } from '@passerelle/schemas';
import { fixtures, sessionKey } from '@passerelle/schemas/fixtures';
import { describe, expect, it } from 'vitest';
import { type ListingChange, listingChanges } from './project-listings.js';
import { applySessionEvent, type CatalogueSession } from './session-state.js';

// The pure projection: a session and its Kairos modalities folded event by event, and what each event publishes on
// catalogue.listings (per channel: a new version, a tombstone, or nothing).

const now = new Date('2026-04-10T10:00:00Z');
type Input = { record: EventRecordName; value: RecordTypes[EventRecordName] };

const event = <Name extends EventRecordName>(
  record: Name,
  change: (value: RecordTypes[Name]) => RecordTypes[Name] = (value) => value,
  eventId = `${record}-${Math.random()}`,
): Input => {
  const value = change(structuredClone(fixtures[record]));
  (value as { envelope: { eventId: string } }).envelope.eventId = eventId;
  return { record, value };
};

/** Folds the inputs in order and returns the final state with everything each step published. */
function run(inputs: Input[], initial?: CatalogueSession) {
  let state = initial;
  const published: ListingChange[][] = [];
  for (const input of inputs) {
    const next = applySessionEvent(state, { key: sessionKey, ...input });
    published.push(listingChanges(state, next, (input.value as { envelope: EventEnvelope }).envelope, now));
    state = next;
  }
  return { state, published, last: published.at(-1) ?? [] };
}

const published = event('fr.passerelle.offer.SessionPublished');
const ico = event('fr.passerelle.kairos.RecruitmentModalityScheduled');
const window = event('fr.passerelle.kairos.RecruitmentModalityScheduled', (value) => ({
  ...value,
  modality: structuredClone(fixtures['fr.passerelle.kairos.RecruitmentModalityAdjusted'].modality),
}));
const registered = (registrationId: string) =>
  event('fr.passerelle.kairos.RegistrationRecorded', (value) => ({ ...value, registrationId }));
const withState = (recruitmentState: RecruitmentState) =>
  event('fr.passerelle.offer.SessionUpdated', (value) => ({
    ...value,
    session: { ...value.session, session: { ...value.session.session, recruitmentState } },
  }));

const byChannel = (changes: ListingChange[]) => Object.fromEntries(changes.map((change) => [change.channel, change]));

describe('projecting a session into the channels', () => {
  it('when a session is published, then the four channels list it, DE channels for self-registration and prescriber ones for positioning', () => {
    const { last } = run([published, ico]);
    expect(last.map((change) => change.key).sort()).toEqual(
      ['AUDEF', 'MA_FORMATION', 'OUIFORM', 'TMF'].map((channel) => `${channel}|${sessionKey}`),
    );
    const listings = byChannel(last);
    expect(listings.TMF?.listing).toMatchObject({
      channel: 'TMF',
      sessionKey,
      title: fixtures['fr.passerelle.offer.SessionPublished'].session.formation.title,
      department: '44',
      city: 'Nantes',
      deMaySelfRegister: true,
      prescriberMayPosition: false,
      modalities: [{ modalityId: 'ICO-2026-0042', kind: 'ICO', capacity: 10, placesLeft: 10, date: '2026-04-22' }],
    });
    expect(listings.OUIFORM?.listing).toMatchObject({ deMaySelfRegister: false, prescriberMayPosition: true });
    expect(listings.AUDEF?.listing?.envelope).toMatchObject({
      eventId: `catalogue:AUDEF:${ico.value.envelope.eventId}`,
      causationId: ico.value.envelope.eventId,
      correlationId: sessionKey,
      sourceSystem: 'PASSERELLE',
    });
  });

  it('when Kairos opens a modality before SOFI publishes the session, then nothing is listed until the offer comes', () => {
    const { published: steps, last } = run([ico, published]);
    expect(steps[0]).toEqual([]);
    expect(byChannel(last).MA_FORMATION?.listing?.modalities).toHaveLength(1);
  });

  it('when registrations and candidatures come and go, then places left follow capacity minus active holders', () => {
    const { state } = run([published, ico, window, registered('R1'), registered('R2')]);
    const placesOf = (changes: ListingChange[]) =>
      Object.fromEntries(
        (byChannel(changes).TMF?.listing?.modalities ?? []).map((modality) => [
          modality.modalityId,
          modality.placesLeft,
        ]),
      );

    const afterCancel = run(
      [
        event('fr.passerelle.kairos.RegistrationCancelled', (value) => ({ ...value, registrationId: 'R1' })),
        event('fr.passerelle.kairos.CandidatureReceived'),
      ],
      state,
    );
    expect(placesOf(afterCancel.published[0] ?? [])).toEqual({ 'ICO-2026-0042': 9, 'WIN-2026-0007': 25 });
    expect(placesOf(afterCancel.last)).toEqual({ 'ICO-2026-0042': 9, 'WIN-2026-0007': 24 });

    const afterTransferAndWithdrawal = run(
      [
        event('fr.passerelle.kairos.RegistrationTransferred', (value) => ({ ...value, registrationId: 'R2' })),
        event('fr.passerelle.kairos.CandidatureWithdrawn'),
      ],
      afterCancel.state,
    );
    expect(placesOf(afterTransferAndWithdrawal.last)).toEqual({ 'ICO-2026-0042': 10, 'WIN-2026-0007': 25 });
  });

  it('when a capacity is adjusted, then every channel republishes with the new capacity and places', () => {
    const { state } = run([published, window]);
    const { last } = run(
      [
        event('fr.passerelle.kairos.RecruitmentModalityAdjusted', (value) => ({
          ...value,
          modality: { ...value.modality, capacity: 30 },
        })),
      ],
      state,
    );
    expect(last).toHaveLength(4);
    expect(byChannel(last).OUIFORM?.listing?.modalities[0]).toMatchObject({
      capacity: 30,
      placesLeft: 30,
      receptionEnd: '2026-06-10',
    });
  });

  it('when an event changes nothing a channel shows, then nothing is published', () => {
    const { state } = run([published, ico, registered('R1')]);
    const unchanged = run(
      [
        event('fr.passerelle.kairos.PresenceRecorded'),
        event('fr.passerelle.kairos.RecruitmentResultRecorded'),
        event('fr.passerelle.kairos.EntryRecorded'),
        event('fr.passerelle.kairos.RegistrationRefused'),
        // SOFI republishing the same snapshot (another export) changes no listing either.
        event('fr.passerelle.offer.SessionUpdated', (value) => ({
          ...value,
          session: structuredClone(fixtures['fr.passerelle.offer.SessionPublished'].session),
          changedFields: ['exportedAt'],
        })),
      ],
      state,
    );
    expect(unchanged.published.flat()).toEqual([]);
  });

  it('when a modality is cancelled, then it leaves the listings with the places its registrants held', () => {
    const { state } = run([published, ico, registered('R1')]);
    const cancelled = run(
      [
        event('fr.passerelle.kairos.RecruitmentModalityCancelled', (value) => ({
          ...value,
          modalityId: 'ICO-2026-0042',
        })),
      ],
      state,
    );
    expect(byChannel(cancelled.last).TMF?.listing).toMatchObject({ modalities: [], deMaySelfRegister: false });
    expect(cancelled.state?.placeHolders.size).toBe(0);
  });

  it('when recruitment is suspended, then DE channels drop the session while prescribers still see it without acting', () => {
    const { state } = run([published, ico]);
    const { last } = run([withState('SUSPENDED')], state);
    const listings = byChannel(last);
    expect(listings.TMF?.listing).toBeNull();
    expect(listings.MA_FORMATION?.listing).toBeNull();
    expect(listings.AUDEF?.listing).toMatchObject({ recruitmentState: 'SUSPENDED', prescriberMayPosition: false });

    const reopened = run([withState('OPEN')], run([withState('SUSPENDED')], state).state);
    expect(reopened.last).toHaveLength(4);
    expect(byChannel(reopened.last).TMF?.listing?.deMaySelfRegister).toBe(true);
  });

  it('when the OF records the correspondant de la formation in Kairos, then every channel shows it', () => {
    const { state } = run([published, ico]);
    const { last } = run([event('fr.passerelle.kairos.TrainingCorrespondentRecorded')], state);
    const { correspondent } = fixtures['fr.passerelle.kairos.TrainingCorrespondentRecorded'];
    expect(last.map((change) => change.listing?.correspondent)).toEqual(Array(4).fill(correspondent));
    expect(run([published]).state?.correspondent).toBeNull();
  });

  it('when a session is withdrawn or its recruitment closed, then every channel gets a tombstone, once', () => {
    const { state } = run([published, ico]);
    const withdrawn = run(
      [event('fr.passerelle.offer.SessionWithdrawn'), event('fr.passerelle.kairos.RegistrationRecorded')],
      state,
    );
    expect(withdrawn.published[0]?.map((change) => [change.channel, change.listing])).toEqual([
      ['AUDEF', null],
      ['OUIFORM', null],
      ['TMF', null],
      ['MA_FORMATION', null],
    ]);
    expect(withdrawn.published[1]).toEqual([]);
    expect(run([withState('CLOSED')], state).last.every((change) => change.listing === null)).toBe(true);
  });

  it('when the offer topic carries a tombstone, then the session leaves the channels', () => {
    const { state } = run([published]);
    const next = applySessionEvent(state, {
      key: sessionKey,
      record: 'fr.passerelle.offer.SessionPublished',
      value: null,
    });
    expect(listingChanges(state, next, published.value.envelope, now)).toHaveLength(4);
    expect(next?.withdrawn).toBe(true);
  });

  it('when the same events are folded again, then the same listings come out (rebuild equivalence)', () => {
    const inputs = [published, ico, window, registered('R1'), event('fr.passerelle.kairos.CandidatureReceived')];
    const first = run(inputs);
    const second = run(inputs);
    const strip = (changes: ListingChange[][]) =>
      changes.map((step) =>
        step.map((change) => ({ ...change, listing: change.listing && { ...change.listing, envelope: null } })),
      );
    expect(strip(second.published)).toEqual(strip(first.published));
  });
});
