import type { FactBody, JourneyRecord } from '../facts.js';
import type { Outcome } from '../model.js';
import type { FoldStep } from '../step.js';

/**
 * The rules of a subject beyond its transitions: what a record links, dates, guards of §c that are not a status
 * (RULE_VIOLATION). A record with none of these has no handler and is applied as the lifecycle table says.
 */
export type SubjectHandlers = { [Name in JourneyRecord]?: (step: FoldStep, body: FactBody<Name>) => Outcome };
