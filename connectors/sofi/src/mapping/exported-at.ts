import { localTime } from '@passerelle/schemas/local-time';
import type { Issue } from '../issue.js';
import { childrenNamed, type LheoNode, pathOf } from '../lheo/lheo-node.js';

/**
 * When the file was exported: Intercarif writes `/lheo/extras[@info='flux-intercarif']` with `date-export`
 * (AAAAMMJJ) and `heure-export` (HHMMSS), French local time; LHEO 2.3 may carry `lheo/@horodatage-export`
 * (ISO 8601). Local times get the Europe/Paris offset of that day, so the value is an unambiguous instant.
 */
export function exportedAtOf(root: LheoNode | null): { exportedAt: string | null; warnings: Issue[] } {
  if (root === null) return { exportedAt: null, warnings: [] };
  const flux = childrenNamed(root, 'extras').find((extras) => extras.attributes.info === 'flux-intercarif');
  const extra = (info: string) => childrenNamed(flux, 'extra').find((node) => node.attributes.info === info);
  const dateNode = extra('date-export');
  if (dateNode) {
    const date = /^(\d{4})(\d{2})(\d{2})$/.exec(dateNode.text.trim());
    const time = /^(\d{2})(\d{2})(\d{2})$/.exec(extra('heure-export')?.text.trim() ?? '');
    if (date) {
      const day = `${date[1]}-${date[2]}-${date[3]}`;
      if (!time) return { exportedAt: day, warnings: [] };
      const local = `${day}T${time[1]}:${time[2]}:${time[3]}`;
      return { exportedAt: `${local}${parisOffset(local)}`, warnings: [] };
    }
    const warning = { line: dateNode.line, path: pathOf(dateNode), message: `invalid date-export "${dateNode.text}"` };
    return { exportedAt: null, warnings: [warning] };
  }
  const stamp = root.attributes['horodatage-export']?.trim();
  return { exportedAt: stamp && !Number.isNaN(Date.parse(stamp)) ? stamp : null, warnings: [] };
}

/** `+01:00` or `+02:00`: the Europe/Paris UTC offset at a local wall-clock time. */
const parisOffset = (local: string): string => localTime().offset(new Date(`${local}Z`));
