/**
 * The built CLI, spawned as a user runs it: exit codes of scan and convert, the --json shapes, the
 * summary, refusal to overwrite without --force, and help that explains --root.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashTree } from '../e2e/hash-tree.js';

const repo = resolve(__dirname, '../..');
let work: string;
let cli: string;

beforeAll(() => {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'ignore' });
  work = mkdtempSync(join(tmpdir(), 's6m-cli-'));
  // A private copy: other test files rebuild dist/ while this one runs.
  cli = join(work, 's6migrate.cjs');
  copyFileSync(join(repo, 'dist/s6migrate.cjs'), cli);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('s6migrate scan', () => {
  it('prints a table of the sample host and exits 0', () => {
    const r = run('scan', '--root', 'samples/host');
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('init system: sysv (detected: samples/host/etc/inittab exists (no /sbin/init to confirm): sysvinit reads it)');
    expect(lines[1]).toMatch(/^SERVICE\s+FORMAT\s+ENABLED\s+BUNDLES\s+DEPENDENCIES\s+DAEMON\s+NOTES$/);
    expect(r.out).toMatch(/^kvstore\s+sysv\s+yes: S links: rc2.d\/S02kvstore\s+runlevel-2\s+syslog\s+\/usr\/bin\/kvstore-server --port 6400/m);
    // A sysvinit host never runs its units.
    expect(r.out).toMatch(/^metricsd\s+systemd\s+no: the host runs sysvinit, which does not ru\.\.\.\s+-\s/m);
    const init = run('scan', '--root', 'samples/host', '--init', 'systemd');
    expect(init.out.split('\n')[0]).toBe('init system: systemd (override: systemd as given on the command line)');
    expect(run('scan', '--root', 'samples/host', '--init', 'upstart').code).toBe(2);
    expect(r.err).toContain('samples/host/etc/init.d/backupd:1: warning:');
  });

  it('--json prints {services, host, diagnostics}', () => {
    const r = run('scan', '--root', 'samples/host', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['services', 'host', 'diagnostics']);
    expect(j.services).toHaveLength(7);
    expect(j.diagnostics.every((d: { file: string; code: string }) => d.file && d.code)).toBe(true);
    expect(r.err).toBe('');
  });

  it('exits 2 for a PATH that does not exist', () => {
    const r = run('scan', 'no/such/script');
    expect(r.code).toBe(2);
    expect(r.err).toContain('no/such/script: error: no such file or directory [path-not-found]');
  });
});

describe('s6migrate convert', () => {
  it('exits 2 without --out', () => {
    const r = run('convert', '--root', 'samples/host');
    expect(r.code).toBe(2);
    expect(r.err).toContain("required option '--out <dir>'");
  });

  it('writes the tree, refuses to overwrite without --force, replaces with it', () => {
    const out = join(work, 'out');
    const first = run('convert', '--root', 'samples/host', '--out', out);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(new RegExp(`^wrote 6 oneshots, 1 longrun, \\d+ bundles to ${out}$`, 'm'));
    const before = hashTree(out);

    const again = run('convert', '--root', 'samples/host', '--out', out);
    expect(again.code).toBe(2);
    expect(again.err).toContain('use --force');
    expect(hashTree(out)).toEqual(before);

    const forced = run('convert', '--root', 'samples/host', '--out', out, '--force');
    expect(forced.code, forced.err).toBe(0);
    expect(hashTree(out)).toEqual(before);
  });

  it('exits 2 for a non-empty --out that is not an s6-rc tree, even with --force', () => {
    const dir = join(work, 'documents');
    mkdirSync(dir);
    writeFileSync(join(dir, 'thesis.tex'), 'do not lose me\n');
    const r = run('convert', '--root', 'samples/host', '--out', dir, '--force');
    expect(r.code).toBe(2);
    expect(hashTree(dir)).toEqual({ 'thesis.tex': expect.any(String) });
  });

  it('exits 1 and names the reason when a service cannot be converted; the rest is written', () => {
    const host = join(work, 'host-with-timer');
    mkdirSync(join(host, 'etc/init.d'), { recursive: true });
    mkdirSync(join(host, 'etc/systemd/system'), { recursive: true });
    writeFileSync(join(host, 'etc/init.d/simple'), '#!/bin/sh\ncase "$1" in start) : ;; stop) : ;; esac\n', { mode: 0o755 });
    writeFileSync(join(host, 'etc/systemd/system/tick.timer'), '[Timer]\nOnCalendar=daily\n');
    const out = join(work, 'timer-out');
    const r = run('convert', '--root', host, '--out', out, '--json');
    expect(r.code, r.err).toBe(1);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(['ok', 'out', 'counts', 'notConverted', 'diagnostics']);
    expect(j.ok).toBe(true);
    expect(j.counts.oneshot).toBe(1);
    expect(j.notConverted).toMatchObject([{ name: 'tick.timer', reason: expect.stringMatching(/.+/) }]);
    const text = run('convert', '--root', host, '--out', out, '--force');
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/1 service not converted:\n {2}tick\.timer \(.*tick\.timer\): ./);
  });

  it('help explains every option, --root in particular', () => {
    const r = run('convert', '--help');
    expect(r.code).toBe(0);
    for (const opt of ['--root <dir>', '--out <dir>', '--force', '--json']) expect(r.out).toContain(opt);
    expect(r.out).toMatch(/never\s+DIR\/etc\/init\.d\/ssh/);
    expect(run('scan', '--help').out).toContain('Exit codes');
  });
});

describe('s6migrate with no command', () => {
  it('shows the help on stderr and exits 2 (usage); asking for help exits 0', () => {
    const bare = run();
    expect(bare.code).toBe(2);
    expect(bare.out).toBe('');
    expect(bare.err).toContain('Usage: s6migrate');
    for (const asked of [['--help'], ['help'], ['help', 'scan']]) {
      const r = run(...asked);
      expect(r.code, asked.join(' ')).toBe(0);
      expect(r.out).toContain('Usage: s6migrate');
    }
  });
});
