// The request path against a running `npm start` (development ports and tokens): a quick look at p50/p99 while
// changing the code, without the end-to-end benchmark's private stack. Usage:
//   npm run -w bench request-path -- [--rate 200] [--seconds 15] [--sessions 30]
import { randomBytes } from 'node:crypto';
import { Api, credentials } from '@passerelle/scenario';
import { prepareOffer, prescribeThroughOuiform } from './passerelle-path.js';
import { atSteadyRate } from './request-path.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const settings = credentials();
const runId = randomBytes(3).toString('hex').toUpperCase();
const offer = await prepareOffer(
  {
    sofi: new Api('http://127.0.0.1:8710', settings.sofiToken),
    kairos: new Api('http://127.0.0.1:8720', settings.kairosToken.token),
  },
  { count: flag('sessions', 30), siret: settings.kairosToken.grant[0] as string, runId },
);
const ouiform = { url: 'http://127.0.0.1:8740', token: settings.ouiformToken };
const result = await atSteadyRate(
  prescribeThroughOuiform(ouiform, offer, runId),
  flag('rate', 200),
  flag('seconds', 15),
);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
