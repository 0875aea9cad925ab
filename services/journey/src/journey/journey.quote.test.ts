import type { Actor } from '@passerelle/schemas';
import { describe, expect, it } from 'vitest';
import { DE, Script } from '../../test/builder.js';
import { enrolmentAct, opened } from '../../test/journey-acts.js';

const ADVISER: Actor = {
  kind: 'PRESCRIBER',
  siret: null,
  organisationName: 'France Travail Nantes Est',
  prescriberNetwork: 'FRANCE_TRAVAIL',
  channel: 'KAIROS',
};

const quote = (status: string, label: string, extra: Record<string, unknown> = {}) => ({
  quoteId: 'QUO-1',
  status,
  sourceLabel: label,
  ...extra,
});

/** An AIF quote drafted and sent by the OF, on a session of the offer. */
const sent = () =>
  new Script()
    .offer('2026-04-06', '2026-07-10')
    .kairos(
      'QuoteDrafted',
      quote('DEVIS_SAISI', 'Devis saisi', { amountCents: 345_000, hours: 420, funderCode: '4', de: DE }),
    )
    .kairos('QuoteSubmitted', quote('DEVIS_TRANSMIS', 'Devis transmis'));

describe('journey — AIF quote (issue 15)', () => {
  it('when a quote is validated and the trainee enrolled from it enters, then the timeline shows the quote and the journey is in training', () => {
    const { view } = sent()
      .kairos('QuoteValidated', quote('DEVIS_VALIDE', 'Devis validé', { comment: null }), { actor: ADVISER })
      .kairos('EnrolmentOpened', opened('ENR-1', 'QUOTE', 'QUO-1'))
      .on('2026-04-07T08:00:00Z')
      .kairos(
        'EntryRecorded',
        enrolmentAct('ENR-1', 'ENTRE_EN_FORMATION', 'Entrée effective', { entryDate: '2026-04-07' }),
      )
      .journey();
    expect(view.timeline.map((step) => [step.subjectKind, step.status])).toEqual([
      ['QUOTE', 'DEVIS_SAISI'],
      ['QUOTE', 'DEVIS_TRANSMIS'],
      ['QUOTE', 'DEVIS_VALIDE'],
      ['ENROLMENT', 'INSCRIT_EN_FORMATION'],
      ['ENROLMENT', 'ENTRE_EN_FORMATION'],
    ]);
    expect(view.timeline[2]?.actor.prescriberNetwork).toBe('FRANCE_TRAVAIL');
    expect(view.status).toBe('ENTRE_EN_FORMATION');
    expect(view.parts.find((part) => part.kind === 'QUOTE')).toMatchObject({ id: 'QUO-1', status: 'DEVIS_VALIDE' });
    expect(view.anomalies).toEqual([]);
  });

  it('when the only part is a quote, then it leads the journey; a refused quote is terminal', () => {
    expect(sent().journey().view).toMatchObject({ status: 'DEVIS_TRANSMIS', sourceLabel: 'Devis transmis' });
    const { view } = sent()
      .kairos('QuoteRefused', quote('DEVIS_REFUSE', 'Devis refusé', { reason: 'Financement Région' }), {
        actor: ADVISER,
      })
      .journey();
    expect(view.status).toBe('DEVIS_REFUSE');
    expect(view.anomalies).toEqual([]);
  });

  it('when an entry is recorded while the quote is refused, or an enrolment opened from a quote not validated, then it is flagged', () => {
    const { view } = sent()
      .kairos('EnrolmentOpened', opened('ENR-1', 'QUOTE', 'QUO-1'))
      .kairos('QuoteRefused', quote('DEVIS_REFUSE', 'Devis refusé', { reason: 'Financement Région' }), {
        actor: ADVISER,
      })
      .on('2026-04-07T08:00:00Z')
      .kairos(
        'EntryRecorded',
        enrolmentAct('ENR-1', 'ENTRE_EN_FORMATION', 'Entrée effective', { entryDate: '2026-04-07' }),
      )
      .journey();
    expect(view.timeline.filter((step) => step.anomaly !== null).map((step) => [step.record, step.anomaly])).toEqual([
      ['EnrolmentOpened', 'RULE_VIOLATION'],
      ['EntryRecorded', 'RULE_VIOLATION'],
    ]);
  });

  it('when a quote is validated before it was sent, then the step is an impossible transition', () => {
    const { view } = new Script()
      .offer('2026-04-06', '2026-07-10')
      .kairos(
        'QuoteDrafted',
        quote('DEVIS_SAISI', 'Devis saisi', { amountCents: 1, hours: 1, funderCode: '4', de: DE }),
      )
      .kairos('QuoteValidated', quote('DEVIS_VALIDE', 'Devis validé', { comment: null }), { actor: ADVISER })
      .journey();
    expect(view.timeline.at(-1)?.anomaly).toBe('IMPOSSIBLE_TRANSITION');
    expect(view.status).toBe('DEVIS_SAISI');
  });
});
