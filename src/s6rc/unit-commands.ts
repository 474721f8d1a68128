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
import { accountChain, runAccount } from './account.js';
import { UnsafeArgvError } from './execline.js';
import { processStateCommands } from './run-script.js';
import { systemdArgv } from './systemd-expand.js';

/** The prefix every command gets, and the privilege drop for those not `privileged`. */
export function unitCommandState(run: RunFacts): { state: string[]; drop: string[] } {
  const state: string[] = [];
  for (const name of Object.keys(run.env).sort(cmp)) {
    // execline's export cannot set a name holding `=` or an empty one; the importer never gives such.
    if (name === '' || name.includes('=')) throw new UnsafeArgvError(`environment variable name ${JSON.stringify(name)} cannot be set`);
    state.push('export', name, run.env[name]!.value);
  }
  const spec = { envFiles: run.envFiles, workdir: run.workdir?.path, umask: run.umask?.value, limits: run.limits?.value, discard: run.discard };
  for (const argv of processStateCommands(spec)) state.push(...argv);
  const account = accountChain(runAccount(run));
  if (!account.ok) throw new UnsafeArgvError(account.reason);
  return { state, drop: account.chain };
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
