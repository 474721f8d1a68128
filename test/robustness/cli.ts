/**
 * The CLI as users run it: one bundled file started with `node`. Built privately (same entry point and
 * esbuild settings as scripts/build.mjs) into a temp directory, so another build of dist/ running at the
 * same time cannot swap the file under a test's child processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO } from './helpers.js';

export async function buildCli(): Promise<{ bin: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 's6m-robust-cli-'));
  const bin = join(dir, 's6migrate.cjs');
  await build({
    entryPoints: [join(REPO, 'src/cli/bin.ts')],
    outfile: bin,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'silent',
  });
  return { bin, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(bin: string, args: string[], timeoutMs = 120_000): CliRun {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
