/**
 * A unit's own command lines in a oneshot (`Type=oneshot`/`forking` units). systemd runs every Exec line
 * with the unit's process state (systemd.exec(5)); an s6-rc oneshot's `up`/`down` run as root in the
 * oneshot runner's environment. Each command therefore gets that state as an execline prefix, the way a
 * run script sets it up (reference §7.8): `export` for Environment=, the environment files, `cd`,
 * `umask`, `s6-softlimit`, then the privilege drop, which `+`/`!`/`!!` lines skip. A oneshot has no
 * `env/` directory (s6-rc-compile takes none), hence `export` instead of s6-envdir.
 */
import { cmp } from '../model/diagnostic.js';
import type { CommandMode, RunFacts } from '../model/service.js';
import { accountChain } from './account.js';
import { UnsafeArgvError } from './execline.js';
import { envFileCommand } from './run-script.js';
import { systemdArgv } from './systemd-expand.js';

/** The prefix every command gets, and the privilege drop for those not `privileged`. */
export function unitCommandState(run: RunFacts): { state: string[]; drop: string[] } {
  const state: string[] = [];
  for (const name of Object.keys(run.env).sort(cmp)) {
    // execline's export cannot set a name holding `=` or an empty one; the importer never gives such.
    if (name === '' || name.includes('=')) throw new UnsafeArgvError(`environment variable name ${JSON.stringify(name)} cannot be set`);
    state.push('export', name, run.env[name]!.value);
  }
  for (const f of run.envFiles) state.push(...envFileCommand(f));
  if (run.workdir) state.push('cd', run.workdir.path);
  if (run.umask) state.push('umask', run.umask.value);
  const limits = Object.entries(run.limits?.value ?? {}).sort(([a], [b]) => cmp(a, b)).flatMap(([flag, value]) => [`-${flag}`, value]);
  if (limits.length > 0) state.push('s6-softlimit', ...limits);
  let drop: string[] = [];
  if (run.user) {
    const account = accountChain({ user: run.user.name, ...(run.group ? { group: run.group.name } : {}) });
    if (!account.ok) throw new UnsafeArgvError(account.reason);
    drop = account.chain;
  }
  return { state, drop };
}

/** Each command with the unit's state in front, its `$VAR`s expanded at run time where systemd would. */
export function unitCommands(argvs: readonly string[][], modes: readonly CommandMode[], run: RunFacts): string[][] {
  const { state, drop } = unitCommandState(run);
  return argvs.map((argv, i) => {
    const mode = modes[i] ?? {};
    const command = systemdArgv(argv, mode.expandVariables !== true).argv;
    return [...state, ...(mode.privileged ? [] : drop), ...command];
  });
}
