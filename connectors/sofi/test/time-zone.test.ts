import { describe, expect, it } from 'vitest';
import { bytes, formation, lheo, readAll } from './helpers.js';

const place = (postalCode: string, department?: string) =>
  `<lieu-de-formation><coordonnees><adresse><ligne>1 rue du Port</ligne><codepostal>${postalCode}</codepostal><ville>Ville</ville>${
    department ? `<departement>${department}</departement>` : ''
  }</adresse></coordonnees></lieu-de-formation>\n`;

describe('the clock of a session (domain.md G21)', () => {
  it('when the training place is overseas, then the session keeps its dates and times on that zone', async () => {
    const xml = lheo(
      formation({ numero: 'F1', action: place('97600', '976') }) +
        formation({ numero: 'F2', action: place('97490') }) +
        formation({ numero: 'F3', action: place('97300') }) +
        formation({ numero: 'F4', action: place('44000', '44') }) +
        formation({ numero: 'F5' }),
    );
    const { report, sessions } = await readAll(bytes(xml));
    expect(report.errors).toEqual([]);
    expect(sessions.map((snapshot) => [snapshot.formation.numero, snapshot.session.timeZone])).toEqual([
      ['F1', 'Indian/Mayotte'],
      ['F2', 'Indian/Reunion'],
      ['F3', 'America/Cayenne'],
      ['F4', 'Europe/Paris'],
      // No training place: nothing says it is overseas.
      ['F5', 'Europe/Paris'],
    ]);
  });
});
