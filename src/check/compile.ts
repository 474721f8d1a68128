/**
 * Runs the real s6-rc-compile over a source directory, into a fresh temporary DEST (it must not exist;
 * its parent must), and removes the result. Used by `check --compile` and the differential tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CompileResult {
  /** false when s6-rc-compile is not on PATH (then ok is false and output says so). */
  available: boolean;
  ok: boolean;
  /** What s6-rc-compile printed (stderr then stdout). */
  output: string;
  exitCode?: number;
}

export function findS6rcCompile(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v s6-rc-compile'], { encoding: 'utf8' });
  const p = r.status === 0 ? r.stdout.trim() : '';
  return p === '' ? undefined : p;
}

export function compileWithS6rc(dir: string, verbosity = 1): CompileResult {
  const exe = findS6rcCompile();
  if (!exe) return { available: false, ok: false, output: 's6-rc-compile not found on PATH' };
  const parent = mkdtempSync(join(tmpdir(), 's6migrate-compile-'));
  try {
    const r = spawnSync(exe, ['-v', String(verbosity), join(parent, 'db'), dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    const output = (r.stderr ?? '') + (r.stdout ?? '');
    return { available: true, ok: r.status === 0, output, exitCode: r.status ?? undefined };
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}
