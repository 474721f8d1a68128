/**
 * Jobs: services another unit starts on an event, a `.timer` (logrotate, fstrim, apt-daily, man-db,
 * e2scrub_all) or a `.path` unit. They run and exit; as a longrun s6-supervise would restart them in a
 * loop. The timer or path unit is in the model (not converted, with its own diagnostic), so the link is
 * read from there: `Unit=` in [Timer] / [Path], else the unit of the same name (systemd.timer(5),
 * systemd.path(5)).
 */
import type { Service } from '../model/service.js';

const TRIGGERS = { timer: 'Timer', path: 'Path' } as const;

/** The units that trigger one of the service's systemd units, by name. */
export function triggeredBy(services: readonly Service[], service: Service): string[] {
  const own = new Set(service.sources.flatMap((s) => (s.format === 'systemd' ? [s.unit] : [])));
  if (own.size === 0) return [];
  const out: string[] = [];
  for (const other of services) {
    for (const src of other.sources) {
      if (src.format !== 'systemd' || (src.unitType !== 'timer' && src.unitType !== 'path')) continue;
      const target = src.directives[TRIGGERS[src.unitType]]?.['Unit']?.values.at(-1) ?? src.unit.replace(/\.(timer|path)$/, '.service');
      if (own.has(target)) out.push(src.unit);
    }
  }
  return [...new Set(out)].sort();
}

/** Why the service is a job and stays a oneshot, or undefined when nothing triggers it. */
export function jobReason(services: readonly Service[], service: Service): string | undefined {
  const by = triggeredBy(services, service);
  if (by.length === 0) return undefined;
  return `${service.name} is a job started by ${by.join(', ')}: it runs and exits, it is not a daemon; it stays a oneshot (s6 has no timers: run it from cron, or from a longrun that loops with snooze)`;
}
