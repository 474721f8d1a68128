/** Bundles the CLI once per test file with esbuild, so tests can spawn it with a PATH of their choosing. */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { tempDir } from './helpers.js';

export function bundleCli(): string {
  const out = join(tempDir('s6m-apply-cli-'), 's6migrate.cjs');
  buildSync({
    entryPoints: [resolve(__dirname, '../../src/cli/bin.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  });
  return out;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(bundle: string, args: string[], env: NodeJS.ProcessEnv = process.env): CliRun {
  const r = spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
