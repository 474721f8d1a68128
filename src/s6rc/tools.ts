/**
 * Locating the real s6-rc programs: the one lookup for `check --compile`, apply and rollback. They are
 * looked up on an explicit PATH ourselves (not through a shell) so that the answer depends only on the
 * PATH given: a caller (or a test) selects an s6-rc installation by passing its PATH, without changing
 * process.env.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/** The programs apply/rollback run or tell the user to run (reference §5.2-§5.4; s6-rc-db to read bundles). */
export const S6RC_TOOLS = ['s6-rc-compile', 's6-rc-update', 's6-rc-init', 's6-rc', 's6-rc-db'] as const;
export type S6rcTool = (typeof S6RC_TOOLS)[number];

/** 0.5: s6-rc 0.5.x (Debian-era); 0.6: s6-rc 0.6.x, which added the repository and set commands. */
export type S6rcVersion = '0.5' | '0.6';

export interface ToolLookup {
  found: Partial<Record<S6rcTool, string>>;
  missing: S6rcTool[];
  /** Which s6-rc the found s6-rc-compile belongs to (undefined when it was not found). */
  version?: S6rcVersion;
}

/** What to tell a user who has none of them: s6-rc has no Debian package (reference, track table). */
export const INSTALL_HINT =
  'install s6-rc from https://skarnet.org/software/s6-rc/ (not packaged by Debian; on bookworm build ' +
  's6-rc 0.5.4.1 against skalibs-dev, libexecline-dev and libs6-dev) so that s6-rc-compile, s6-rc-init, ' +
  's6-rc-update and s6-rc are on PATH';

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findExecutable(name: string, pathEnv: string | undefined): string | undefined {
  for (const dir of (pathEnv ?? '').split(':')) {
    // An empty or relative PATH entry means "the current directory"; never run a tool from there.
    if (dir === '' || !isAbsolute(dir)) continue;
    const p = join(dir, name);
    if (isExecutableFile(p)) return p;
  }
  return undefined;
}

/**
 * 0.6 installs s6-rc-repo-init and the s6-rc-set-* programs beside s6-rc-compile; 0.5 has none of them
 * (upstream NEWS for 0.6.0.0). Looked up in the compiler's own directory, so two installations on one
 * PATH are not confused.
 */
export function s6rcVersionOf(compile: string): S6rcVersion {
  return isExecutableFile(join(dirname(compile), 's6-rc-repo-init')) ? '0.6' : '0.5';
}

export function findTools(pathEnv: string | undefined = process.env.PATH): ToolLookup {
  const found: Partial<Record<S6rcTool, string>> = {};
  const missing: S6rcTool[] = [];
  for (const t of S6RC_TOOLS) {
    const p = findExecutable(t, pathEnv);
    if (p) found[t] = p;
    else missing.push(t);
  }
  const compile = found['s6-rc-compile'];
  return { found, missing, ...(compile ? { version: s6rcVersionOf(compile) } : {}) };
}

/** One line for output: which real s6-rc was found and used. */
export function describeS6rc(lookup: ToolLookup): string {
  const compile = lookup.found['s6-rc-compile'];
  return compile ? `s6-rc ${lookup.version ?? '?'} (${dirname(compile)})` : 'no s6-rc on PATH';
}
