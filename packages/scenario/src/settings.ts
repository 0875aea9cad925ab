import { discoverRunnables } from '@passerelle/infra/runnables';
import { signDeToken } from '@passerelle/schemas';

/**
 * The development settings of the runnables (their package.json `passerelle.dev` blocks): the ports `npm start`
 * serves them on and the tokens it gives them. The scenario acts with those same tokens, as their users would.
 */
export interface DevSettings {
  /** Base URL per runnable folder name (`sofi`, `kairos`, …) as `npm start` serves them. */
  urls: Record<string, string>;
  env: Record<string, Record<string, string>>;
}

export function devSettings(): DevSettings {
  const urls: Record<string, string> = {};
  const env: Record<string, Record<string, string>> = {};
  for (const runnable of discoverRunnables()) {
    urls[runnable.short] = `http://127.0.0.1:${runnable.dev.port ?? 0}`;
    env[runnable.short] = runnable.dev.env ?? {};
  }
  return { urls, env };
}

export function setting(settings: DevSettings, runnable: string, name: string): string {
  const value = settings.env[runnable]?.[name];
  if (value === undefined)
    throw new Error(`${runnable} has no ${name} in its package.json passerelle.dev.env (the scenario needs it)`);
  return value;
}

/** The first token of a JSON token map (`{ "<token>": … }`) and what it grants. */
export function firstToken<T>(settings: DevSettings, runnable: string, name: string): { token: string; grant: T } {
  const map = JSON.parse(setting(settings, runnable, name)) as Record<string, T>;
  const [entry] = Object.entries(map);
  if (!entry) throw new Error(`${runnable} ${name} holds no token`);
  return { token: entry[0], grant: entry[1] };
}

/** The tokens the scenario acts with, from the runnables' development settings. */
export interface Credentials {
  sofiToken: string;
  kairosToken: { token: string; grant: string[] };
  /** A France Travail adviser's Kairos token (AIF quote decisions). */
  kairosAdviserToken: string;
  ouiformToken: string;
  journeyOpsToken: string;
  journeySecret: string;
  /** A front end's token for the catalogue's search. */
  catalogueSearchToken: string;
  /** A DE's token for the catalogue channels, as the channels' identity layer signs it after his login. */
  deTokenFor(deIdentifier: string): string;
}

export function credentials(settings: DevSettings = devSettings()): Credentials {
  const journeyTokens = JSON.parse(setting(settings, 'journey', 'JOURNEY_TOKENS')) as Record<string, { role: string }>;
  const journeyOpsToken = Object.entries(journeyTokens).find(([, grant]) => grant.role === 'ops')?.[0];
  if (!journeyOpsToken) throw new Error('journey has no ops token in JOURNEY_TOKENS');
  return {
    sofiToken: setting(settings, 'sofi', 'SOFI_API_TOKEN'),
    kairosToken: firstToken<string[]>(settings, 'kairos', 'KAIROS_TOKENS'),
    kairosAdviserToken: firstToken<string>(settings, 'kairos', 'KAIROS_ADVISER_TOKENS').token,
    ouiformToken: firstToken(settings, 'ouiform', 'OUIFORM_TOKENS').token,
    journeyOpsToken,
    journeySecret: setting(settings, 'journey', 'JOURNEY_SECRET'),
    catalogueSearchToken: Object.entries(
      JSON.parse(setting(settings, 'catalogue', 'CATALOGUE_TOKENS')) as Record<string, { role: string }>,
    ).find(([, grant]) => grant.role === 'SEARCH')?.[0] as string,
    deTokenFor: (deIdentifier) =>
      signDeToken(setting(settings, 'catalogue', 'CATALOGUE_DE_TOKEN_KEY'), {
        deIdentifier,
        channels: ['TMF', 'MA_FORMATION'],
        expiresAt: new Date(Date.now() + 3600_000),
      }),
  };
}
