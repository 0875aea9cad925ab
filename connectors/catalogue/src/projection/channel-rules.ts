import type { ListingChannel, ModalityKind, RecruitmentState } from '@passerelle/schemas';

/**
 * How each catalogue channel shows a session and who may act there (domain.md §b, §d.4, seed p. 1 and 4):
 * - every channel shows the ICO, the RDVI and the candidature windows the OF put online ("visible de OUIFORM, TMF,
 *   Ma Formation et AUDEF");
 * - AUDEF (France Travail advisors) and OUIFORM (Missions Locales, Cap emploi…) are prescriber tools: a prescriber
 *   positions a DE there, a DE does not act on them;
 * - TMF (Trouver ma formation, francetravail.fr) and MA_FORMATION (the app) are the DE's: he registers himself on
 *   an ICO/RDVI or sends a contact request on a candidature window (R1, C1, "DE/CAT").
 *
 * Defaults where the sources are silent [D]: a session whose recruitment is suspended (LHEO etat-recrutement 3) stays
 * on the prescriber channels — the advisor knows it will reopen — but leaves the DE channels, where nobody could act
 * on it; a closed one (2, fermé) leaves every channel. Acting needs open recruitment (Kairos refuses otherwise) and a
 * modality with a place left.
 */
export interface ChannelRule {
  channel: ListingChannel;
  audience: 'PRESCRIBER' | 'DE';
  modalityKinds: readonly ModalityKind[];
  /** Recruitment states a session is listed in on this channel. */
  listedWhen: readonly RecruitmentState[];
}

const ALL_KINDS: readonly ModalityKind[] = ['ICO', 'RDVI', 'CANDIDATURE_WINDOW'];

export const CHANNEL_RULES: readonly ChannelRule[] = [
  { channel: 'AUDEF', audience: 'PRESCRIBER', modalityKinds: ALL_KINDS, listedWhen: ['OPEN', 'UNKNOWN', 'SUSPENDED'] },
  {
    channel: 'OUIFORM',
    audience: 'PRESCRIBER',
    modalityKinds: ALL_KINDS,
    listedWhen: ['OPEN', 'UNKNOWN', 'SUSPENDED'],
  },
  { channel: 'TMF', audience: 'DE', modalityKinds: ALL_KINDS, listedWhen: ['OPEN', 'UNKNOWN'] },
  { channel: 'MA_FORMATION', audience: 'DE', modalityKinds: ALL_KINDS, listedWhen: ['OPEN', 'UNKNOWN'] },
];

export const CHANNELS = CHANNEL_RULES.map((rule) => rule.channel);

/** Channels a DE registers himself from. */
export const SELF_REGISTRATION_CHANNELS = CHANNEL_RULES.filter((rule) => rule.audience === 'DE').map(
  (rule) => rule.channel,
);

/** Recruitment states in which someone may be positioned (Kairos refuses SESSION_CLOSED otherwise). */
export const ACCEPTING: readonly RecruitmentState[] = ['OPEN', 'UNKNOWN'];

export function ruleOf(channel: string): ChannelRule | undefined {
  return CHANNEL_RULES.find((rule) => rule.channel === channel);
}
