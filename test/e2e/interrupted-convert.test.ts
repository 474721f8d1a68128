/**
 * An interrupted convert (SIGKILL at various points of a large run) leaves the previous output whole:
 * after every kill, OUT is byte for byte either the old tree or the complete new one, never a mix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashTree } from './hash-tree.js';

const repo = resolve(__dirname, '../..');
const SCRIPTS = 120;
let work: string;
let cli: string;
let bigHost: string;

beforeAll(() => {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'ignore' });
  work = mkdtempSync(join(tmpdir(), 's6m-interrupt-'));
  cli = join(work, 's6migrate.cjs');
  copyFileSync(join(repo, 'dist/s6migrate.cjs'), cli);
  bigHost = join(work, 'big');
  mkdirSync(join(bigHost, 'etc/init.d'), { recursive: true });
  for (let i = 0; i < SCRIPTS; i++) {
    writeFileSync(
      join(bigHost, 'etc/init.d', `svc${i}`),
      `#!/bin/sh\n### BEGIN INIT INFO\n# Provides: svc${i}\n# Required-Start: $remote_fs ${i > 0 ? `svc${i - 1}` : ''}\n# Default-Start: 2 3 4 5\n# Default-Stop: 0 1 6\n### END INIT INFO\nstart-stop-daemon --start --exec /usr/sbin/svc${i} -- -f\n`,
      { mode: 0o755 },
    );
  }
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const convert = (root: string, out: string) =>
  spawnSync(process.execPath, [cli, 'convert', '--root', root, '--out', out, '--force'], { cwd: repo, stdio: 'ignore' });

const temps = () => readdirSync(work).filter((n) => n.startsWith('.out.tmp-'));

function killAfter(ms: number, root: string, out: string): Promise<void> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, 'convert', '--root', root, '--out', out, '--force'], { cwd: repo, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', () => {
      clearTimeout(timer);
      done();
    });
  });
}

describe('interrupted convert', () => {
  it('leaves either the old tree or the new one, whole', async () => {
    const newOut = join(work, 'reference');
    const t0 = Date.now();
    expect(convert(bigHost, newOut).status).toBe(0);
    const full = Date.now() - t0;
    const fresh = hashTree(newOut);
    const out = join(work, 'out');
    const outcomes = new Set<string>();
    for (const ms of [0.3, 0.6, 0.8, 0.9, 1.5].map((f) => Math.round(f * full))) {
      rmSync(out, { recursive: true, force: true });
      expect(convert(join(repo, 'samples/host'), out).status).toBe(0);
      const old = hashTree(out);
      const tempsBefore = temps();
      await killAfter(ms, bigHost, out);
      const now = hashTree(out);
      const which = JSON.stringify(now) === JSON.stringify(old) ? 'old' : JSON.stringify(now) === JSON.stringify(fresh) ? 'new' : 'mixed';
      expect(which, `killed after ${ms} ms`).not.toBe('mixed');
      // A temporary directory left beside OUT means the kill landed while the new tree was being built.
      const midWrite = temps().length > tempsBefore.length;
      outcomes.add(which === 'old' && midWrite ? 'old, killed mid-write' : which);
    }
    // At least one kill must have hit while the new tree was being written, or the test proved nothing.
    expect([...outcomes]).toContain('old, killed mid-write');
    // A later run recovers: leftover temporary directories do not get in the way.
    expect(convert(bigHost, out).status).toBe(0);
    expect(hashTree(out)).toEqual(fresh);
    expect(readdirSync(work).filter((n) => !n.startsWith('.')).sort()).toEqual(['big', 'out', 'reference', 's6migrate.cjs']);
  }, 120_000);
});
