// Passerelle's side of the request path: an offer of sessions with one ICO each, then prescriptions through
// Ouiform's HTTP API as a prescriber sends them — answered with Kairos's decision (201), or 202 with a Location the
// prescriber follows until the decision shows.
import { type Api, lheoExport, type ScenarioSession, scenarioSessions, seg } from '@passerelle/scenario';
import { httpJson } from './http-client.js';
import type { Prescribe } from './request-path.js';

export interface PreparedOffer {
  sessions: ScenarioSession[];
  icos: Map<string, string>;
}

/** `count` sessions imported through SOFI, each with one ICO of ample capacity tomorrow, once Kairos knows them. */
export async function prepareOffer(
  { sofi, kairos }: { sofi: Api; kairos: Api },
  { count, siret, runId }: { count: number; siret: string; runId: string },
): Promise<PreparedOffer> {
  const sessions = scenarioSessions(count, [{ siret, name: 'Organisme de banc' }], { start: new Date(), runId });
  await sofi.call('POST', '/imports', lheoExport(sessions, new Date()), 'application/xml');
  const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
  const icos = new Map<string, string>();
  for (const session of sessions) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const answer = await kairos.send<{ modalityId: string }>(
          'POST',
          `/sessions/${seg(session.sessionKey)}/modalities`,
          { kind: 'ICO', date: tomorrow, startTime: '09:00', endTime: '11:00', place: 'Salle 1', capacity: 10_000 },
        );
        icos.set(session.sessionKey, answer.body.modalityId);
        break;
      } catch (error) {
        // Kairos learns the offer from SOFI's events a moment after the import answered.
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }
  return { sessions, icos };
}

/** One prescription through Ouiform (DE ids unique per run), followed to its decision like a prescriber would. */
export function prescribeThroughOuiform(
  ouiform: { url: string; token: string },
  { sessions, icos }: PreparedOffer,
  runId: string,
): Prescribe {
  const { url, token } = ouiform;
  return async (i) => {
    const session = sessions[i % sessions.length] as ScenarioSession;
    const prescriptionId = `bench-${runId}-${i}`;
    const answer = await httpJson<{ decision?: unknown }>('POST', `${url}/prescriptions`, {
      token,
      body: {
        prescriptionId,
        // France Travail identifiers are 8 to 11 characters.
        de: { ftId: `L${runId.slice(0, 3)}${String(i).padStart(6, '0')}`, lastName: 'Banc', firstName: 'Essai' },
        target: { sessionKey: session.sessionKey, modalityKind: 'ICO', modalityId: icos.get(session.sessionKey) },
        projectValidated: true,
      },
    });
    let decision = answer.status < 300 ? answer.body.decision : undefined;
    const patience = Date.now() + 30_000;
    while (answer.status === 202 && !decision && Date.now() < patience) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const poll = await httpJson<{ decision?: unknown }>('GET', `${url}/prescriptions/${seg(prescriptionId)}`, {
        token,
      });
      decision = poll.status === 200 ? poll.body.decision : undefined;
    }
    return { status: answer.status, decided: Boolean(decision) };
  };
}
