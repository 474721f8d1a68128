/**
 * Locating the s6-rc programs. They are looked up on PATH ourselves (not through a shell) so that the
 * answer depends only on the PATH given, and a test can point it at an empty directory.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** The programs apply/rollback run or tell the user to run (reference §5.2-§5.4). */
export const S6RC_TOOLS = ['s6-rc-compile', 's6-rc-update', 's6-rc-init', 's6-rc'] as const;
export type S6rcTool = (typeof S6RC_TOOLS)[number];

export interface ToolLookup {
  found: Partial<Record<S6rcTool, string>>;
  missing: S6rcTool[];
}

/** What to tell a user who has none of them: s6-rc has no Debian package (reference, track table). */
export const INSTALL_HINT =
  'install s6-rc from https://skarnet.org/software/s6-rc/ (not packaged by Debian; on bookworm build ' +
  's6-rc 0.5.4.1 against skalibs-dev, libexecline-dev and libs6-dev) so that s6-rc-compile, s6-rc-init, ' +
  's6-rc-update and s6-rc are on PATH';

export function findExecutable(name: string, pathEnv: string | undefined): string | undefined {
  for (const dir of (pathEnv ?? '').split(':')) {
    // An empty or relative PATH entry means "the current directory"; never run a tool from there.
    if (dir === '' || !isAbsolute(dir)) continue;
    const p = join(dir, name);
    try {
      if (!statSync(p).isFile()) continue;
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      continue;
    }
  }
  return undefined;
}

export function findTools(pathEnv: string | undefined = process.env.PATH): ToolLookup {
  const found: Partial<Record<S6rcTool, string>> = {};
  const missing: S6rcTool[] = [];
  for (const t of S6RC_TOOLS) {
    const p = findExecutable(t, pathEnv);
    if (p) found[t] = p;
    else missing.push(t);
  }
  return { found, missing };
}
