import { describe, expect, it } from 'vitest';
import { contracts, runnableContracts, runnableTopics, topics } from './index.js';

describe('topics by runnable, derived from the catalogue', () => {
  it('when a runnable asks for its topics, then it gets those naming it as producer or consumer, by role', () => {
    expect(runnableTopics('connector-kairos')).toEqual({
      offer: 'offer.sessions.v1',
      positioning: 'positioning.requests.v1',
      sessionEvents: 'kairos.session-events.v1',
      commands: 'kairos.commands.v1',
      outcomes: 'kairos.command-outcomes.v1',
    });
    expect(Object.keys(runnableTopics('service-journey')).sort()).toEqual(
      ['erasures', 'grants', 'offer', 'positioning', 'reviews', 'sessionEvents', 'status'].sort(),
    );
    expect(runnableTopics('connector-catalogue', 'test.x.').listings).toBe('test.x.catalogue.listings.v1');
  });

  it('when every topic has a role, then no two topics share one', () => {
    const roles = topics.map((topic) => topic.role);
    expect(new Set(roles).size).toBe(roles.length);
  });

  it('when a prefix is set, then the contracts hold only the runnable’s topics, renamed; else the whole catalogue', () => {
    expect(runnableContracts('connector-catalogue')).toBe(contracts);
    const prefixed = runnableContracts('connector-catalogue', 'test.y.');
    expect(prefixed.records).toBe(contracts.records);
    expect(prefixed.topics.map((topic) => topic.name)).toEqual([
      'test.y.offer.sessions.v1',
      'test.y.positioning.requests.v1',
      'test.y.kairos.session-events.v1',
      'test.y.catalogue.listings.v1',
    ]);
  });
});
