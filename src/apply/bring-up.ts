/**
 * What s6-rc-update does not do: bring the "same" services up again when their names changed. It maps an
 * up atomic service to the service of the same name in the new database (reference §5.4, "Service
 * identity"), so an up longrun `x-srv` rolled back to a database where `x` is a oneshot (and `x-srv` does
 * not exist) is stopped and nothing starts. Here a bundle that was fully up before the switch counts as
 * up too: after the switch, every previously up name (atomic or fully-up bundle) that the new database
 * defines and that is not up yet is brought up with `s6-rc -u change`.
 */
import { spawnSync } from 'node:child_process';

export interface UpState {
  /** Atomic services that were up. */
  atomics: string[];
  /** Bundles all of whose atomic contents were up. */
  bundles: string[];
}

interface Exes {
  s6rc: string;
  s6rcDb: string;
  env: NodeJS.ProcessEnv;
}

function lines(exe: string, args: string[], env: NodeJS.ProcessEnv): string[] | undefined {
  const r = spawnSync(exe, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000, env });
  if (r.status !== 0) return undefined;
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** The up atomics of the live database (`s6-rc -a list`). */
function upAtomics(x: Exes, live: string): Set<string> | undefined {
  const up = lines(x.s6rc, ['-l', live, '-a', 'list'], x.env);
  return up && new Set(up);
}

/** The atomic services a name stands for in the live database (itself for an atomic); undefined if unknown. */
function atomicsOf(x: Exes, live: string, name: string): string[] | undefined {
  return lines(x.s6rcDb, ['-l', live, 'atomics', name], x.env);
}

/** Read before the switch. Undefined when the live state cannot be read (then nothing is brought up). */
export function readUpState(x: Exes, live: string): UpState | undefined {
  const up = upAtomics(x, live);
  const bundles = lines(x.s6rcDb, ['-l', live, 'list', 'bundles'], x.env);
  if (!up || !bundles) return undefined;
  const fullyUp = bundles.filter((b) => {
    const members = atomicsOf(x, live, b);
    return members !== undefined && members.length > 0 && members.every((m) => up.has(m));
  });
  return { atomics: [...up].sort(), bundles: fullyUp.sort() };
}

/** After the switch: the previously up names the new live database defines and has not (fully) up. */
export function stillDown(x: Exes, live: string, before: UpState): string[] {
  const up = upAtomics(x, live) ?? new Set<string>();
  const names = [...new Set([...before.atomics, ...before.bundles])].sort();
  return names.filter((n) => {
    const members = atomicsOf(x, live, n);
    return members !== undefined && members.some((m) => !up.has(m));
  });
}
