/**
 * Start-time work of the source the foreground command comes from, which a run script that only execs
 * the daemon would drop: a unit's ExecStartPre= (and ExecStartPost=), OpenRC's start_pre()/start_post()
 * and required_files/required_dirs, an init script's directories and configuration test. What can be
 * carried becomes a prelude the run script runs before the daemon, at every start, as the source ran it
 * (systemd: with the unit's account unless `+`/`!`; scripts: as root); what cannot is returned as
 * `dropped`, and the proposal is then low confidence (refused without --yes) with the reason.
 */
import { definingSources, type Evidence, type Service } from '../model/service.js';
import { shellQuoteWord } from '../s6rc/run-script.js';
import { systemdArgv } from '../s6rc/systemd-expand.js';
import type { ForegroundProposal } from './foreground.js';

export interface PreludeCommand {
  argv: string[];
  /** Run with the daemon's account (systemd ExecStartPre= without `+`/`!`), else as root. */
  asAccount: boolean;
  /** systemd's `-` prefix: a failure does not stop the start. */
  ignoreFailure: boolean;
}

export interface StartWorkPlan {
  prelude: PreludeCommand[];
  /** Said with the proposal: what the prelude does and where it comes from. */
  carried: string[];
  /** Work the longrun would not do: the reason the proposal is low confidence. */
  dropped: string[];
}

/** The source the foreground command was read from (its origin file), else the merge winner. */
export function sourceOf(service: Service, fg: ForegroundProposal): Evidence | undefined {
  const defining = definingSources(service);
  const file = fg.origin?.file;
  if (file) {
    const ev = defining.find((e) => e.file === file || (e.format === 'systemd' && e.dropIns.includes(file)));
    if (ev) return ev;
  }
  return defining[0];
}

/** Coreutils on Debian by absolute path: the supervision tree's PATH is minimal. */
const WORK_PROGRAMS: Record<string, string> = {
  mkdir: '/bin/mkdir', chown: '/bin/chown', chgrp: '/bin/chgrp', chmod: '/bin/chmod', touch: '/bin/touch', ln: '/bin/ln', install: '/usr/bin/install',
};

const where = (o: { file: string; line?: number }): string => (o.line !== undefined ? `${o.file}:${o.line}` : o.file);

export function planStartWork(service: Service, fg: ForegroundProposal): StartWorkPlan {
  const plan: StartWorkPlan = { prelude: [], carried: [], dropped: [] };
  for (const d of fg.socketDirs ?? []) {
    plan.prelude.push({ argv: ['/bin/mkdir', '-p', '-m', '0755', d], asAccount: false, ignoreFailure: false });
    plan.carried.push(`${d}: made before the daemon, as systemd's socket unit did for the option dropped`);
  }
  const ev = sourceOf(service, fg);
  if (!ev) return plan;
  if (ev.format === 'systemd') {
    for (const l of ev.execStartPre) {
      const { argv } = systemdArgv(l.argv, l.prefixes.includes(':') || l.expanded === true);
      const root = l.prefixes.some((p) => p === '+' || p === '!' || p === '!!');
      plan.prelude.push({ argv, asAccount: !root, ignoreFailure: l.prefixes.includes('-') });
      plan.carried.push(`ExecStartPre=${l.argv.join(' ')} (${where(l.origin)}): run before the daemon at each start${root ? ', as root' : ''}`);
    }
    for (const l of ev.execStartPost) {
      plan.dropped.push(`ExecStartPost=${l.argv.join(' ')} (${where(l.origin)}) runs after the daemon started; a run script cannot (make it a oneshot that depends on the longrun)`);
    }
  } else if (ev.format === 'openrc') {
    for (const f of ['start', 'start_pre', 'start_post']) {
      if (ev.functions.includes(f)) plan.dropped.push(`OpenRC ${f}() in ${ev.file}: the longrun does not run the script's functions (configuration checks, keys, directories)`);
    }
    const tests: [string, string][] = [['required_files', '-r'], ['required_dirs', '-d']];
    for (const [key, op] of tests) {
      const v = ev.vars[key];
      if (!v || v.value.trim() === '') continue;
      const paths = v.value.trim().split(/\s+/);
      // As openrc-run.sh checks them: refuse to start when one is missing.
      plan.prelude.push({
        argv: ['/bin/sh', '-c', `for f; do [ ${op} "$f" ] || { echo "${key}: $f missing" >&2; exit 1; }; done`, 'sh', ...paths],
        asAccount: false, ignoreFailure: false,
      });
      plan.carried.push(`OpenRC ${key}=${v.value.trim()}: checked before the daemon at each start (test ${op})`);
    }
  } else if (ev.format === 'sysv') {
    for (const w of ev.startWork ?? []) {
      const argv = w.argv;
      const base = argv?.[0]?.slice(argv[0].lastIndexOf('/') + 1);
      const program = base !== undefined ? WORK_PROGRAMS[base] : undefined;
      if (argv && program && (base !== 'install' || argv.includes('-d'))) {
        // A script's bare `mkdir` sits behind a test that the directory is missing; -p is that test.
        const addP = base === 'mkdir' && !argv.slice(1).some((a) => a === '-p' || a === '--parents');
        plan.prelude.push({ argv: [program, ...(addP ? ['-p'] : []), ...argv.slice(1)], asAccount: false, ignoreFailure: false });
        plan.carried.push(`\`${w.text}\` (${where(w.origin)}): run before the daemon at each start, as root${addP ? ' (mkdir -p: the script only makes it when missing)' : ''}`);
      } else if (w.live && !argv) {
        // As the script: its own values, the defaults files sourced (they may read those values), its
        // own values again (an assignment after the sourcing wins), then the words; globbing off.
        const sets = w.live.presets.map(([n, v]) => `${n}=${shellQuoteWord(v)}; `).join('');
        const files = service.run.envFiles.filter((f) => f.syntax === 'shell').map((f) => f.path);
        const source = files.length > 0 ? 'for f do if [ -r "$f" ]; then . "$f"; fi; done; ' : '';
        plan.prelude.push({ argv: ['/bin/sh', '-c', `${sets}${source}${sets}set -f; exec ${w.live.words.join(' ')}`, 'sh', ...files], asAccount: false, ignoreFailure: false });
        plan.carried.push(`\`${w.text}\` (${where(w.origin)}): run before the daemon at each start, as root, its variables expanded then as the script does`);
      } else {
        plan.dropped.push(`\`${w.text}\` (${where(w.origin)}): start-time work of the init script the longrun does not do${argv ? '' : ' (its words are not known statically)'}`);
      }
    }
  }
  // A script may repeat the same preparation in several functions (start, restart): once is enough.
  const seen = new Set<string>();
  plan.prelude = plan.prelude.filter((p) => {
    const key = JSON.stringify(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return plan;
}
