/**
 * Runs once before any test worker starts: builds (or finds, cached) both real s6-rc stacks with
 * ../shared/tools/skarnet/build.sh and publishes their bin directories through the environment, which
 * the forked workers inherit. In CI a stack that cannot be built fails the run instead of skipping tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { STACK_VERSIONS, stackEnvName } from './stack-names.js';

export default function setup(): void {
  const project = resolve(import.meta.dirname, '../..');
  const cache = process.env.S6M_CACHE ?? resolve(project, '.cache');
  const buildScript = resolve(project, '../shared/tools/skarnet/build.sh');
  for (const version of STACK_VERSIONS) {
    const envName = stackEnvName(version);
    if (process.env[envName]) continue;
    if (!existsSync(buildScript)) {
      if (process.env.CI) throw new Error(`no ${buildScript}: CI needs ../shared beside the project`);
      continue;
    }
    const r = spawnSync('bash', [buildScript, version, resolve(cache, `s6rc-${version}`)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const bin = r.status === 0 ? r.stdout.trim().split('\n').pop() ?? '' : '';
    if (bin === '' || !existsSync(resolve(bin, 's6-rc-compile'))) {
      const why = `building s6-rc stack ${version} failed:\n${r.stderr}`;
      if (process.env.CI) throw new Error(why);
      process.stderr.write(`${why}\n`);
      continue;
    }
    process.env[envName] = bin;
  }
}
