import type { JourneyFact } from '../facts.js';
import type { Outcome } from '../model.js';
import { byTable, type FoldStep } from '../step.js';
import { candidatureHandlers } from './candidature.js';
import { enrolmentHandlers } from './enrolment.js';
import type { SubjectHandlers } from './handlers.js';
import { positioningHandlers } from './positioning.js';
import { registrationHandlers } from './registration.js';

const handlers: SubjectHandlers = {
  ...positioningHandlers,
  ...registrationHandlers,
  ...candidatureHandlers,
  ...enrolmentHandlers,
};

/** The records with rules of their own; every other one is applied as the table says. */
export const handledRecords: ReadonlySet<string> = new Set(Object.keys(handlers));

/** What a fact does to its journey: its subject's handler, else what the lifecycle table says of its record. */
export function outcomeOf(step: FoldStep): Outcome {
  const fact = step.fact as JourneyFact;
  const handler = handlers[fact.record] as ((step: FoldStep, body: unknown) => Outcome) | undefined;
  const outcome = handler ? handler(step, fact.body) : byTable(step);
  // Every journey record has a handler or a row (a test holds them together): this is a programming error.
  if (outcome === undefined) throw new Error(`${fact.record} has no handler and no row in the lifecycle table`);
  return outcome;
}
