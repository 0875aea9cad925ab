import type { ActType } from '../domain/commands.js';
import { bodies } from './json-schemas.js';

/** One OF act over HTTP: where it is, what it takes, which act it becomes (path ids + body). */
export interface ActRoute {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify path; `:sessionKey` always first (URL-encoded: it holds `|`). */
  url: string;
  act: ActType;
  summary: string;
  body: object;
  tag: 'Sessions' | 'Modalities' | 'Registrations' | 'Candidatures' | 'Enrolment' | 'Quotes';
}

const S = '/sessions/:sessionKey';

/** Every act of issue 5, one route each. */
export const ACT_ROUTES: readonly ActRoute[] = [
  // recruitment modalities
  {
    method: 'POST',
    url: `${S}/modalities`,
    act: 'modality.schedule',
    tag: 'Modalities',
    body: bodies.scheduleModality,
    summary: 'Schedule an information collective (ICO), an RDVI slot range or a candidature window',
  },
  {
    method: 'PATCH',
    url: `${S}/modalities/:modalityId`,
    act: 'modality.modify',
    tag: 'Modalities',
    body: bodies.modifyModality,
    summary: 'Modify a modality (registrants are informed; capacity never below active registrants)',
  },
  {
    method: 'POST',
    url: `${S}/modalities/:modalityId/duplicate`,
    act: 'modality.duplicate',
    tag: 'Modalities',
    body: bodies.duplicateModality,
    summary: 'Duplicate a modality, optionally to another date or times',
  },
  {
    method: 'DELETE',
    url: `${S}/modalities/:modalityId`,
    act: 'modality.delete',
    tag: 'Modalities',
    body: bodies.deleteModality,
    summary: 'Delete a modality; with registrants, say whether they are cancelled (RDV annulé) or transferred',
  },
  {
    method: 'PATCH',
    url: `${S}/modalities/:modalityId/window`,
    act: 'modality.adjust-window',
    tag: 'Modalities',
    body: bodies.adjustWindow,
    summary: "Adjust a candidature window's reception period or maximum capacity",
  },
  // registrations
  {
    method: 'POST',
    url: `${S}/modalities/:modalityId/registrations`,
    act: 'registration.register',
    tag: 'Registrations',
    body: bodies.register,
    summary: 'Register a DE on an ICO or RDVI',
  },
  {
    method: 'POST',
    url: `${S}/registrations/:registrationId/cancel`,
    act: 'registration.cancel',
    tag: 'Registrations',
    body: bodies.cancelRegistration,
    summary: 'Cancel the appointment for this DE (RDV annulé): the place is freed',
  },
  {
    method: 'POST',
    url: `${S}/registrations/:registrationId/transfer`,
    act: 'registration.transfer',
    tag: 'Registrations',
    body: bodies.transfer,
    summary: 'Transfer the DE to another ICO/RDVI of the session',
  },
  {
    method: 'POST',
    url: `${S}/registrations/:registrationId/presence`,
    act: 'registration.presence',
    tag: 'Registrations',
    body: bodies.presence,
    summary: 'Record presence or absence, once the appointment is past',
  },
  {
    method: 'POST',
    url: `${S}/registrations/:registrationId/result`,
    act: 'registration.result',
    tag: 'Registrations',
    body: bodies.recruitmentResult,
    summary: 'Record the result: retenu, retenu mis en attente, non retenu (with reason)',
  },
  {
    method: 'POST',
    url: `${S}/registrations/:registrationId/waitlist`,
    act: 'registration.waitlist',
    tag: 'Registrations',
    body: bodies.waitlist,
    summary: 'Manage a waitlisted DE: retain or refuse',
  },
  // candidatures (Kairos NG)
  {
    method: 'POST',
    url: `${S}/candidatures/:candidatureId/contact`,
    act: 'candidature.contact',
    tag: 'Candidatures',
    body: bodies.contact,
    summary: 'Record the contact follow-up (contacté / injoignable / refus), optionally the interview',
  },
  {
    method: 'POST',
    url: `${S}/candidatures/:candidatureId/interview`,
    act: 'candidature.interview',
    tag: 'Candidatures',
    body: bodies.interview,
    summary: 'Fix the interview date and modality',
  },
  {
    method: 'POST',
    url: `${S}/candidatures/:candidatureId/interview-presence`,
    act: 'candidature.interview-presence',
    tag: 'Candidatures',
    body: bodies.interviewPresence,
    summary: 'Record presence at the interview, once it is past',
  },
  {
    method: 'POST',
    url: `${S}/candidatures/:candidatureId/result`,
    act: 'candidature.result',
    tag: 'Candidatures',
    body: bodies.candidatureResult,
    summary: 'Record the interview result',
  },
  // enrolment
  {
    method: 'POST',
    url: `${S}/enrolments`,
    act: 'enrolment.propose',
    tag: 'Enrolment',
    body: bodies.propose,
    summary: 'Propose a candidate directly to the training',
  },
  {
    method: 'POST',
    url: `${S}/enrolments/:enrolmentId/entry`,
    act: 'enrolment.entry',
    tag: 'Enrolment',
    body: bodies.entry,
    summary: 'Record the actual entry (irreversible except by an explicit correction)',
  },
  {
    method: 'POST',
    url: `${S}/enrolments/:enrolmentId/entry-correction`,
    act: 'enrolment.correct-entry',
    tag: 'Enrolment',
    body: bodies.correctEntry,
    summary: 'Correct the entry date explicitly (the previous value is kept in the event)',
  },
  {
    method: 'POST',
    url: `${S}/enrolments/:enrolmentId/absence-at-entry`,
    act: 'enrolment.absence-at-entry',
    tag: 'Enrolment',
    body: bodies.empty,
    summary: 'Record an absence at entry',
  },
  {
    method: 'POST',
    url: `${S}/enrolments/:enrolmentId/interruptions`,
    act: 'enrolment.interruption',
    tag: 'Enrolment',
    body: bodies.interruption,
    summary: 'Record an interruption period (inside the session, no overlap)',
  },
  {
    method: 'POST',
    url: `${S}/enrolments/:enrolmentId/interruptions/:interruptionId/end`,
    act: 'enrolment.end-interruption',
    tag: 'Enrolment',
    body: bodies.endInterruption,
    summary: 'End an interruption: the training resumes',
  },
  {
    method: 'POST',
    url: `${S}/enrolments/:enrolmentId/attendance`,
    act: 'enrolment.attendance',
    tag: 'Enrolment',
    body: bodies.attendance,
    summary: 'Record an attendance period (present / absent hours)',
  },
  {
    method: 'POST',
    url: `${S}/enrolments/:enrolmentId/abandon`,
    act: 'enrolment.abandon',
    tag: 'Enrolment',
    body: bodies.abandon,
    summary: 'Record an abandon',
  },
  {
    method: 'POST',
    url: `${S}/enrolments/:enrolmentId/exit`,
    act: 'enrolment.exit',
    tag: 'Enrolment',
    body: bodies.exit,
    summary: 'Record the exit with its reason',
  },
  {
    method: 'POST',
    url: `${S}/enrolments/:enrolmentId/report`,
    act: 'enrolment.report',
    tag: 'Enrolment',
    body: bodies.report,
    summary: 'Record the end-of-training report (bilan de fin de formation)',
  },
  {
    method: 'POST',
    url: `${S}/enrolments/:enrolmentId/cancel`,
    act: 'enrolment.cancel',
    tag: 'Enrolment',
    body: bodies.cancelEnrolment,
    summary: 'Cancel an enrolment before entry',
  },
  // AIF quotes (devis d'aide individuelle à la formation)
  {
    method: 'POST',
    url: `${S}/quotes`,
    act: 'quote.draft',
    tag: 'Quotes',
    body: bodies.draftQuote,
    summary: 'Draft an AIF quote for a DE on the session (amount in euro cents, hours, funder code)',
  },
  {
    method: 'POST',
    url: `${S}/quotes/:quoteId/submit`,
    act: 'quote.submit',
    tag: 'Quotes',
    body: bodies.empty,
    summary: 'Send the drafted quote to the France Travail adviser',
  },
  {
    method: 'POST',
    url: `${S}/quotes/:quoteId/cancel`,
    act: 'quote.cancel',
    tag: 'Quotes',
    body: bodies.cancelQuote,
    summary: "Cancel the quote before the adviser's decision",
  },
  {
    method: 'POST',
    url: `${S}/quotes/:quoteId/enrolment`,
    act: 'quote.enrol',
    tag: 'Quotes',
    body: bodies.empty,
    summary: 'Enrol the DE of a validated quote in the training (origin QUOTE)',
  },
  // the session itself
  {
    method: 'PUT',
    url: `${S}/correspondent`,
    act: 'session.correspondent',
    tag: 'Sessions',
    body: bodies.correspondent,
    summary: 'Enter or modify the correspondant de la formation (the OF staff contact shown on the session)',
  },
];

/** The France Travail adviser's act, behind the adviser tokens (never an OF's). */
export const ADVISER_ROUTE = {
  method: 'POST',
  url: `${S}/quotes/:quoteId/decision`,
  act: 'quote.decide',
  tag: 'Quotes',
  body: bodies.quoteDecision,
  summary: 'France Travail adviser: validate or refuse an AIF quote (a refusal says why)',
} as const satisfies ActRoute;

/** The path parameters of a route, in order (`:name` segments). */
export const pathParameters = (url: string) => [...url.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1] as string);
