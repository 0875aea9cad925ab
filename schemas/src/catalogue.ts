/**
 * The topic catalogue, as code: what each topic carries, how it is keyed and kept, who writes and who reads it.
 * Topics are created from it at start-up and subjects registered as `<topic>-<record full name>`
 * (TopicRecordNameStrategy: several record types share a topic, so per-key order holds across them).
 *
 * Topics keyed by session key share one partition count, so they are co-partitioned: the Kairos connector owns
 * a session's partition on all of them at once (single writer per session). Dead-letter topics,
 * `dlq.<consumer-group>.v1`, are created by the bus runtime for each consumer group.
 */

export interface TopicDefinition {
  name: string;
  /** The short name every runnable gives the topic in code (`topics.sessionEvents`): see `runnableTopics`. */
  role: string;
  description: string;
  /** What the Kafka key is. Never personal data. */
  key: string;
  records: readonly string[];
  partitions: number;
  cleanupPolicy: 'compact' | 'delete';
  /** -1: kept for ever (compacted snapshots). */
  retentionMs: number;
  producers: readonly string[];
  consumers: readonly string[];
}

const DAY = 24 * 3600_000;
/** Recruitment and enrolment events are kept 13 months (domain.md §h: retention aligned with the business need). */
const THIRTEEN_MONTHS = 395 * DAY;
const SESSION_KEY =
  'Session key: LHEO formation|action|session numbers (e.g. 14_AF_0000011111|14_SE_0000102222|SE_0000102222)';
/** Partitions of every topic keyed by session key (co-partitioned). */
export const SESSION_PARTITIONS = 6;

const offer = (name: string) => `fr.passerelle.offer.${name}`;
const kairos = (name: string) => `fr.passerelle.kairos.${name}`;

const catalogue = [
  {
    name: 'offer.sessions.v1',
    role: 'offer',
    description:
      'Training sessions of the SOFI offer: published, updated (with what changed) or withdrawn, each with its full snapshot.',
    key: SESSION_KEY,
    records: [offer('SessionPublished'), offer('SessionUpdated'), offer('SessionWithdrawn')],
    partitions: SESSION_PARTITIONS,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    producers: ['connector-sofi'],
    consumers: ['connector-kairos', 'connector-catalogue', 'connector-ouiform', 'service-journey'],
  },
  {
    name: 'positioning.requests.v1',
    role: 'positioning',
    description:
      'Positioning of a DE on an ICO, an RDVI or a candidature window, by a prescriber (Ouiform, AUDEF) or by the DE from a channel; and their withdrawal.',
    key: SESSION_KEY,
    records: ['fr.passerelle.positioning.PositioningRequested', 'fr.passerelle.positioning.PositioningWithdrawn'],
    partitions: SESSION_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: THIRTEEN_MONTHS,
    producers: ['connector-ouiform', 'connector-catalogue'],
    consumers: ['connector-kairos', 'service-journey'],
  },
  {
    name: 'kairos.session-events.v1',
    role: 'sessionEvents',
    description:
      'Everything the OF decides and records in Kairos for a session: recruitment modalities, registrations and results, candidatures, AIF quotes, enrolment from entry to exit.',
    key: SESSION_KEY,
    records: [
      kairos('RecruitmentModalityScheduled'),
      kairos('RecruitmentModalityRescheduled'),
      kairos('RecruitmentModalityAdjusted'),
      kairos('RecruitmentModalityDuplicated'),
      kairos('RecruitmentModalityCancelled'),
      kairos('RegistrationRecorded'),
      kairos('RegistrationRefused'),
      kairos('RegistrationCancelled'),
      kairos('RegistrationTransferred'),
      kairos('PresenceRecorded'),
      kairos('RecruitmentResultRecorded'),
      kairos('WaitlistDecisionRecorded'),
      kairos('CandidatureReceived'),
      kairos('CandidateContactRecorded'),
      kairos('InterviewScheduled'),
      kairos('InterviewPresenceRecorded'),
      kairos('CandidatureResultRecorded'),
      kairos('EnrolmentOpened'),
      kairos('EntryRecorded'),
      kairos('EntryCorrected'),
      kairos('AbsenceAtEntryRecorded'),
      kairos('InterruptionStarted'),
      kairos('InterruptionEnded'),
      kairos('AttendancePeriodRecorded'),
      kairos('AbandonRecorded'),
      kairos('ExitRecorded'),
      kairos('EndOfTrainingReportRecorded'),
      kairos('EnrolmentCancelled'),
      kairos('CandidatureWithdrawn'),
      kairos('QuoteDrafted'),
      kairos('QuoteSubmitted'),
      kairos('QuoteValidated'),
      kairos('QuoteRefused'),
      kairos('QuoteCancelled'),
      kairos('TrainingCorrespondentRecorded'),
      kairos('InvitationIssued'),
    ],
    partitions: SESSION_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: THIRTEEN_MONTHS,
    producers: ['connector-kairos'],
    consumers: ['connector-catalogue', 'connector-ouiform', 'service-journey'],
  },
  {
    name: 'kairos.commands.v1',
    role: 'commands',
    description:
      "Acts of training organisations received by the Kairos connector's HTTP API, routed to the instance owning the session's partition: the single writer that decides capacity and transitions. Internal to connector-kairos.",
    key: SESSION_KEY,
    records: [kairos('KairosCommand')],
    partitions: SESSION_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: DAY,
    producers: ['connector-kairos'],
    consumers: ['connector-kairos'],
  },
  {
    name: 'kairos.command-outcomes.v1',
    role: 'outcomes',
    description:
      'How the owner of a session decided each Kairos command (accepted with its event ids, or refused with status and rule): awaited by the instance that received the HTTP request.',
    key: SESSION_KEY,
    records: [kairos('KairosCommandOutcome')],
    partitions: SESSION_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: DAY,
    producers: ['connector-kairos'],
    consumers: ['connector-kairos'],
  },
  {
    name: 'catalogue.listings.v1',
    role: 'listings',
    description:
      'One listing per channel (AUDEF, OUIFORM, TMF, MA_FORMATION) and session, with its open modalities and places left; a tombstone when the session leaves the channel.',
    key: 'Channel and session key: <channel>|<session key>',
    records: ['fr.passerelle.catalogue.ListingPublished'],
    partitions: SESSION_PARTITIONS,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    producers: ['connector-catalogue'],
    consumers: ['connector-ouiform'],
  },
  {
    name: 'journey.status.v1',
    role: 'status',
    description: "Current status of each trainee's journey on a session; a tombstone when the DE is erased.",
    key: 'Journey id: HMAC of the DE identifier and the session key',
    records: ['fr.passerelle.journey.JourneyStatusChanged'],
    partitions: SESSION_PARTITIONS,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    producers: ['service-journey'],
    consumers: ['connector-ouiform', 'service-admin'],
  },
  {
    name: 'journey.vigilance-reviews.v1',
    role: 'reviews',
    description:
      "The journey service's clock: a request to review a session's files under watch as of an instant, consumed by the owner of the session's partition like any other input. Compacted: the latest review of each session is what a rebuild needs. Internal to service-journey.",
    key: SESSION_KEY,
    records: ['fr.passerelle.journey.VigilanceReviewRequested'],
    partitions: SESSION_PARTITIONS,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    producers: ['service-journey'],
    consumers: ['service-journey'],
  },
  {
    name: 'journey.erasures.v1',
    role: 'erasures',
    description:
      'Journeys of DEs who asked for erasure: every instance and every rebuild of the journey service forgets them. Kept as long as the trainee events they suppress (13 months). Internal to service-journey.',
    key: SESSION_KEY,
    records: ['fr.passerelle.journey.JourneyErased'],
    partitions: SESSION_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: THIRTEEN_MONTHS,
    producers: ['service-journey'],
    consumers: ['service-journey'],
  },
  {
    name: 'ouiform.webhook-subscriptions.v1',
    role: 'webhookSubscriptions',
    description:
      "Prescriber organisations' webhook subscriptions, each as its whole current state (created, secret rotated, paused, resumed, deleted): every Ouiform instance follows it, so a change needs no restart. Holds no secret. Internal to connector-ouiform.",
    key: 'Subscription id (opaque)',
    records: ['fr.passerelle.ouiform.WebhookSubscriptionChanged'],
    partitions: 1,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    producers: ['connector-ouiform'],
    consumers: ['connector-ouiform'],
  },
  {
    name: 'ouiform.webhook-deliveries.v1',
    role: 'webhookDeliveries',
    description:
      'The delivery log of the webhook subscriptions: one record per attempt (step id, attempt, status code, latency, next retry), no payload. Kept a week. Internal to connector-ouiform.',
    key: 'Subscription id (opaque)',
    records: ['fr.passerelle.ouiform.WebhookDeliveryAttempted'],
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY,
    producers: ['connector-ouiform'],
    consumers: ['connector-ouiform'],
  },
  {
    name: 'access.grants.v1',
    role: 'grants',
    description:
      "Who may act as what: each subject's whole current grant (role, SIRETs or structure, granted by, expiry), set by an account manager (RGC) through the admin; a tombstone revokes it. Every instance of a runnable that verifies signed tokens follows it, so a grant or a revocation needs no restart. Holds no token and no secret.",
    key: 'Subject: the opaque account id of the JWT `sub` (e.g. of-44), never personal data',
    records: ['fr.passerelle.access.AccessGranted'],
    partitions: 1,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    producers: ['service-admin'],
    consumers: ['service-journey', 'service-admin'],
  },
] as const satisfies readonly TopicDefinition[];

export const topics: readonly TopicDefinition[] = catalogue;

type CatalogueTopic = (typeof catalogue)[number];

/** A runnable the catalogue names as a producer or a consumer of some topic. */
export type RunnableName = CatalogueTopic['producers' | 'consumers'][number];

type RoleIfUsedBy<Topic, Runnable> = Topic extends {
  role: infer Role;
  producers: readonly (infer Producer)[];
  consumers: readonly (infer Consumer)[];
}
  ? Runnable extends Producer | Consumer
    ? Role
    : never
  : never;

/** The roles of the topics a runnable writes or reads, as the catalogue declares them. */
export type TopicRoleOf<Runnable extends RunnableName> = RoleIfUsedBy<CatalogueTopic, Runnable>;

/** A runnable's topic names by role (`{ offer: 'offer.sessions.v1', … }`). */
export type RunnableTopics<Runnable extends RunnableName> = { readonly [Role in TopicRoleOf<Runnable>]: string };

/** The topics a runnable writes or reads, as the catalogue declares them (its producers and consumers). */
export function topicsOf(runnable: RunnableName): readonly TopicDefinition[] {
  return topics.filter((topic) => topic.producers.includes(runnable) || topic.consumers.includes(runnable));
}

/**
 * The topics a runnable publishes for other runnables to read: its own internal ones (a request and its reply,
 * read back only by itself) left out. What a refused request must never reach (the security suite checks it).
 */
export function outputsOf(runnable: RunnableName): readonly TopicDefinition[] {
  return topics.filter(
    (topic) =>
      (topic.producers as readonly string[]).includes(runnable) &&
      topic.consumers.some((consumer) => consumer !== runnable),
  );
}

/**
 * A runnable's topic names by role, behind `prefix` (tests and rehearsals run on their own topics): derived from
 * the catalogue, so a topic a runnable starts reading is declared once, here, and nowhere else.
 */
export function runnableTopics<Runnable extends RunnableName>(
  runnable: Runnable,
  prefix = '',
): RunnableTopics<Runnable> {
  return Object.fromEntries(
    topicsOf(runnable).map((topic) => [topic.role, `${prefix}${topic.name}`]),
  ) as RunnableTopics<Runnable>;
}

/** TopicRecordNameStrategy — the same rule as `subjectFor` in packages/bus, which registers and resolves (packages never import schemas). */
export const subjectFor = (topic: string, recordFullName: string) => `${topic}-${recordFullName}`;
