/**
 * Signs a development token: `npm run -w packages/access issue-token -- <subject> [audience] [seconds]`, with the
 * last HS256 key of ACCESS_JWT_KEYS (the newest, as a rotation appends it). Production tokens come from the
 * identity provider; this is for `npm start` and rehearsals. Prints the token only.
 */
import { accessKeysSchema, issueToken } from '../src/index.js';

const [subject, audience = 'service-journey', seconds = '3600'] = process.argv.slice(2);
const keys = accessKeysSchema.safeParse(process.env.ACCESS_JWT_KEYS);
const key = keys.success ? keys.data.filter((candidate) => 'secret' in candidate).at(-1) : undefined;
if (!subject || !key || !('secret' in key) || !/^\d+$/.test(seconds)) {
  process.stderr.write(
    'usage: ACCESS_JWT_KEYS=\'[{"kid":"…","secret":"…"}]\' issue-token <subject> [audience] [seconds]\n',
  );
  process.exit(2);
}
process.stdout.write(
  `${await issueToken(key, {
    subject,
    audience,
    issuer: process.env.ACCESS_JWT_ISSUER ?? 'passerelle-access',
    expiresInSeconds: Number(seconds),
  })}\n`,
);
