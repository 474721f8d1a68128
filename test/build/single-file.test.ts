/**
 * The single-file build runs with only `node`: copied alone into a directory with no node_modules
 * anywhere above it, it prints its help and converts the bundled sample host. And the committed man
 * page is the one the current --help definitions generate.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildProgram } from '../../src/cli/main.js';
import { renderManPage } from '../../src/cli/manpage.js';

const repo = resolve(__dirname, '../..');
const bundle = join(repo, 'dist/s6migrate.cjs');
let dir: string;

describe('single-file build', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 's6m-single-'));
    copyFileSync(bundle, join(dir, 's6migrate.cjs'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints help with no node_modules in reach', () => {
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    const r = spawnSync(process.execPath, [join(dir, 's6migrate.cjs'), '--help'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const cmd of ['scan', 'convert', 'check', 'upgrade', 'wizard', 'apply', 'rollback', 'graph']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    }
  });

  it('converts the sample host', () => {
    const out = join(dir, 'out');
    const r = spawnSync(process.execPath, [join(dir, 's6migrate.cjs'), 'convert', '--root', join(repo, 'samples/host'), '--out', out], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBeLessThanOrEqual(1);
    expect(readFileSync(join(out, 'default/type'), 'utf8')).toBe('bundle\n');
  });

  it('a reader closing the pipe early (`| head -c 1`) is no error: exit code of the work, nothing on stderr', () => {
    // `sh -c` gives the real pipe a shell user has; PIPESTATUS-like status through a temp file.
    const status = join(dir, 'status');
    const script = `"${process.execPath}" "${join(dir, 's6migrate.cjs')}" scan --root "${join(repo, 'samples/host')}" --json 2>"${dir}/err"; echo $? > "${status}"`;
    const r = spawnSync('sh', ['-c', `(${script}) | head -c 1`], { cwd: dir, encoding: 'utf8' });
    expect(r.stdout).toBe('{');
    expect(readFileSync(join(dir, 'err'), 'utf8')).toBe('');
    // scan exits 0 or 1 (services needing attention), never 2 or a crash.
    expect(['0', '1']).toContain(readFileSync(status, 'utf8').trim());
  });

  it('docs/s6migrate.1 is generated from the current --help definitions', () => {
    expect(readFileSync(join(repo, 'docs/s6migrate.1'), 'utf8')).toBe(renderManPage(buildProgram()));
  });
});
