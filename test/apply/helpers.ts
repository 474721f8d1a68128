/** Small on-disk source trees for the apply tests; every temp dir is removed by `removeTemps`. */
import { mkdirSync, mkdtempSync, readdirSync, lstatSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Spec = { [name: string]: string | Spec };

const temps: string[] = [];

export function tempDir(prefix = 's6m-apply-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

export function removeTemps(): void {
  while (temps.length) rmSync(temps.pop()!, { recursive: true, force: true });
}

export function writeSpec(dir: string, spec: Spec): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, v] of Object.entries(spec)) {
    const p = join(dir, name);
    if (typeof v === 'string') writeFileSync(p, v, { mode: name === 'run' || name === 'finish' ? 0o755 : 0o644 });
    else writeSpec(p, v);
  }
  return dir;
}

export const longrunDef = (run: string, extra: Spec = {}): Spec => ({ type: 'longrun\n', run, ...extra });
export const oneshotDef = (up: string, extra: Spec = {}): Spec => ({ type: 'oneshot\n', up, ...extra });
export const bundleDef = (...members: string[]): Spec => ({
  type: 'bundle\n',
  'contents.d': Object.fromEntries(members.map((m) => [m, ''])),
});

/**
 * Every path under DIR with its kind and, for symlinks, target: a before/after picture of a directory.
 * Files named in `lockFiles` are recorded without their mtime: s6-rc tools open their lock files even for
 * a dry run, which updates the mtime of an empty file without changing anything.
 */
export function listing(dir: string, lockFiles: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      const r = rel ? `${rel}/${n}` : n;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.push(`${r} -> ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`${r}/`);
        walk(p, r);
      } else out.push(lockFiles.includes(n) ? `${r} ${st.size}` : `${r} ${st.size} ${st.mtimeMs}`);
    }
  };
  walk(dir, '');
  return out;
}
