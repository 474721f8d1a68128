/**
 * What will differ from the original run once a proposal is accepted: a short list for the wizard (shown
 * beside the diff of the files) and the CLI. Read from the proposal only: the command the source ran
 * against the one the longrun runs, start-time work carried or not, readiness, the environment, and
 * everything the plan did not carry.
 */
import type { Proposal } from './upgrade.js';

export interface Difference {
  /**
   * `command`: other argv; `supervision`: how s6 runs it; `start-work`: done before the daemon, or no more;
   * `carried`: a fact carried in another form; `not-carried`: the rest.
   */
  kind: 'command' | 'supervision' | 'start-work' | 'readiness' | 'environment' | 'carried' | 'not-carried';
  text: string;
}

const shown = (argv: readonly string[]): string => argv.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');

export function differences(p: Proposal): Difference[] {
  const out: Difference[] = [];
  const { fg, plan } = p;
  if (fg.original && shown(fg.original) !== shown(fg.argv)) {
    out.push({ kind: 'command', text: `runs \`${shown(fg.argv)}\` instead of \`${shown(fg.original)}\`` });
  } else if (fg.evidence === 'user') {
    out.push({ kind: 'command', text: `runs the command you gave: \`${shown(fg.argv)}\`` });
  }
  if (p.current.type === 'oneshot') {
    out.push({ kind: 'supervision', text: 'supervised by s6-supervise: restarted whenever it exits, stopped with its down-signal; no pidfile' });
  }
  for (const r of fg.reasons) if (r.startsWith('dropped ')) out.push({ kind: 'command', text: r });
  const work = new Set(plan.dropped);
  for (const c of plan.carried) out.push({ kind: plan.startWork.includes(c) ? 'start-work' : 'carried', text: c });
  for (const d of plan.dropped) out.push({ kind: 'start-work', text: `not done any more: ${d}` });
  const srv = plan.definitions[0];
  if (srv && !('notification-fd' in srv.files)) out.push({ kind: 'readiness', text: 'counts as up as soon as it is spawned (no readiness notification)' });
  for (const n of plan.notCarried) {
    if (work.has(n)) continue;
    out.push({ kind: /readiness|sd_notify|Type=notify|Type=dbus/.test(n) ? 'readiness' : 'not-carried', text: n });
  }
  if (p.service.run.envFiles.some((f) => f.syntax === 'shell')) {
    out.push({ kind: 'environment', text: `${p.service.run.envFiles.filter((f) => f.syntax === 'shell').map((f) => f.path).join(', ')}: sourced with set -a, so every variable it sets is exported to the daemon` });
  }
  return out;
}
