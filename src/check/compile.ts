/**
 * Runs the real s6-rc-compile over a source directory, into a fresh temporary DEST (it must not exist;
 * its parent must), and removes the result. Used by `check --compile` and the differential tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, s6rcVersionOf, type S6rcVersion } from '../s6rc/tools.js';

export interface CompileResult {
  /** false when s6-rc-compile is not on PATH (then ok is false and output says so). */
  available: boolean;
  ok: boolean;
  /** What s6-rc-compile printed (stderr then stdout). */
  output: string;
  exitCode?: number;
  /** The s6-rc-compile that ran, and which s6-rc it belongs to. */
  compiler?: string;
  version?: S6rcVersion;
}

export interface CompileOptions {
  verbosity?: number;
  /** The PATH to find s6-rc-compile on (and to run it with); default process.env.PATH. */
  path?: string;
}

/** s6-rc-compile on the given PATH (default process.env.PATH). */
export function findS6rcCompile(path: string | undefined = process.env.PATH): string | undefined {
  return findExecutable('s6-rc-compile', path);
}

export function compileWithS6rc(dir: string, options: CompileOptions = {}): CompileResult {
  const path = options.path ?? process.env.PATH;
  const exe = findS6rcCompile(path);
  if (!exe) return { available: false, ok: false, output: 's6-rc-compile not found on PATH' };
  const parent = mkdtempSync(join(tmpdir(), 's6migrate-compile-'));
  try {
    const r = spawnSync(exe, ['-v', String(options.verbosity ?? 1), join(parent, 'db'), dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
      env: { ...process.env, PATH: path },
    });
    const output = (r.stderr ?? '') + (r.stdout ?? '');
    return { available: true, ok: r.status === 0, output, exitCode: r.status ?? undefined, compiler: exe, version: s6rcVersionOf(exe) };
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}
