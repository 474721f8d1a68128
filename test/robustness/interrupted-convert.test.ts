/**
 * An interrupted convert leaves the previous output whole. `convert --force` runs as a child process over a
 * large generated host and is killed with SIGKILL at many points in its run; after each kill OUT must be
 * exactly the previous output or exactly the new one (compared by a digest of every path, mode and byte),
 * never a mix, never missing. Leftover temporary directories beside OUT are allowed after SIGKILL; a later
 * normal convert must still succeed and produce the reference output.
 * Timer kills rarely land between two renames, so a second test kills the CLI deterministically just
 * before its Nth file-system change (crash-harness.mjs), sweeping every rename and a spread of writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, runCli } from './cli.js';
import { tempDir, writeRoot } from './helpers.js';

const SCRIPTS = 300;
const HARNESS = join(import.meta.dirname, 'crash-harness.mjs');

/** A Debian-style init script; `variant` changes its daemon arguments so two roots convert differently. */
function script(i: number, variant: string): string {
  const n = String(i).padStart(4, '0');
  const want = String(Math.floor(i / 2)).padStart(4, '0');
  return `#!/bin/sh
### BEGIN INIT INFO
# Provides:          svc${n}
# Required-Start:    $remote_fs $syslog
# Should-Start:      ${i > 0 ? `svc${want}` : ''}
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: generated service ${n} (${variant})
### END INIT INFO
DAEMON=/usr/sbin/svc${n}
case "$1" in
  start) start-stop-daemon --start --exec $DAEMON -- --id ${n} --variant ${variant} ;;
  stop) start-stop-daemon --stop --exec $DAEMON ;;
esac
`;
}

function makeRoot(dir: string, variant: string, skip: (i: number) => boolean): void {
  const files: Record<string, string> = {};
  for (let i = 0; i < SCRIPTS; i++) if (!skip(i)) files[`etc/init.d/svc${String(i).padStart(4, '0')}`] = script(i, variant);
  writeRoot(dir, files);
}

/** One hash over every entry's path, kind, mode and content: equal digests = identical trees. */
function digest(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const h = createHash('sha256');
  const walk = (p: string, rel: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) h.update(`L ${rel} ${readlinkSync(p)}\n`);
    else if (st.isDirectory()) {
      h.update(`D ${rel} ${(st.mode & 0o7777).toString(8)}\n`);
      for (const n of readdirSync(p).sort()) walk(join(p, n), `${rel}/${n}`);
    } else h.update(`F ${rel} ${(st.mode & 0o7777).toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}\n`);
  };
  walk(dir, '');
  return h.digest('hex');
}

function convertKilledAfter(bin: string, root: string, out: string, ms: number): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'convert', '--root', root, '--out', out, '--force'], { stdio: 'ignore' });
    let killed = false;
    const timer = setTimeout(() => {
      killed = child.kill('SIGKILL');
    }, ms);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ killed: killed && code === null, code });
    });
  });
}

describe('convert killed half way', () => {
  let work: string;
  let cli: Awaited<ReturnType<typeof buildCli>>;
  const roots: Record<'a' | 'b', string> = { a: '', b: '' };
  const refs: Record<'a' | 'b', string> = { a: '', b: '' };
  let fullRunMs = 0;

  beforeAll(async () => {
    cli = await buildCli();
    work = tempDir('interrupt');
    roots.a = join(work, 'root-a');
    roots.b = join(work, 'root-b');
    // Different daemon arguments and a slightly different set of services: the outputs differ everywhere.
    makeRoot(roots.a, 'a', (i) => i % 97 === 5);
    makeRoot(roots.b, 'b', (i) => i % 89 === 7);
    for (const k of ['a', 'b'] as const) {
      const ref = join(work, `ref-${k}`);
      const r = runCli(cli.bin, ['convert', '--root', roots[k], '--out', ref]);
      expect(r.status, r.stderr.slice(-2000)).toBe(0);
      refs[k] = digest(ref)!;
    }
    expect(refs.a).not.toBe(refs.b);
    // Time a full replacing run, to spread the kills over all of it (reading, writing, checking, renaming).
    const out = join(work, 'out');
    expect(runCli(cli.bin, ['convert', '--root', roots.a, '--out', out]).status).toBe(0);
    const t0 = Date.now();
    const r = await convertKilledAfter(cli.bin, roots.b, out, 600_000);
    fullRunMs = Date.now() - t0;
    expect(r.code).toBe(0);
    expect(digest(out)).toBe(refs.b);
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    cli?.cleanup();
  });

  it('after every SIGKILL, OUT is the whole previous output or the whole new one', async () => {
    const out = join(work, 'out');
    let current: 'a' | 'b' = 'b';
    const fractions = [0.1, 0.3, 0.5, 0.65, 0.75, 0.82, 0.88, 0.92, 0.95, 0.97, 0.99, 1.01, 1.03];
    const delays = [20, 60, 150, ...fractions.map((f) => Math.round(f * fullRunMs))];
    const seen: string[] = [];
    for (const ms of delays) {
      const next: 'a' | 'b' = current === 'a' ? 'b' : 'a';
      const r = await convertKilledAfter(cli.bin, roots[next], out, ms);
      const d = digest(out);
      const state = d === refs[current] ? 'previous' : d === refs[next] ? 'new' : d === undefined ? 'MISSING' : 'MIXED';
      seen.push(`${ms}ms: ${r.killed ? 'killed' : `exited ${r.code}`}, OUT is ${state}`);
      expect(state, `${seen.join('\n')}\nleft beside OUT: ${readdirSync(work).join(' ')}`).toMatch(/^(previous|new)$/);
      if (state === 'new') current = next;
    }
    // The run must really have been interrupted at least once, or this test proved nothing.
    expect(seen.some((s) => s.includes('killed'))).toBe(true);

    // Leftover temporary directories beside OUT (SIGKILL skips cleanup) must not break a normal run.
    const next: 'a' | 'b' = current === 'a' ? 'b' : 'a';
    const r = runCli(cli.bin, ['convert', '--root', roots[next], '--out', out, '--force', '--json']);
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect((JSON.parse(r.stdout) as { ok: boolean }).ok).toBe(true);
    expect(digest(out)).toBe(refs[next]);
    // Nothing temporary ever inside OUT: its top level is definitions and the state directory only.
    for (const n of readdirSync(out)) expect(n.startsWith('.') ? n : 'definition').toMatch(/^(definition|\.s6migrate)$/);
    console.log(`timer kills: full run ${fullRunMs} ms; kills:\n${seen.join('\n')}\nleft beside OUT after the final run: ${readdirSync(work).filter((n) => n.startsWith('.')).join(' ') || 'nothing'}`);
  }, 600_000);

  it('killed just before any file-system change (every rename, a spread of writes): OUT is previous or new', async () => {
    const out = join(work, 'out');
    let current: 'a' | 'b' = digest(out) === refs.a ? 'a' : 'b';
    expect(digest(out)).toBe(refs[current]);
    // Asynchronous, so the test worker's event loop keeps answering the runner during the long sweep.
    const harness = (root: string, env: Record<string, string>) =>
      new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((done) => {
        const child = spawn(process.execPath, [HARNESS, cli.bin, 'convert', '--root', root, '--out', out, '--force'], { stdio: 'ignore', env: { ...process.env, ...env }, timeout: 300_000 });
        child.on('close', (status, signal) => done({ status, signal }));
      });

    // One full run with the calls logged: which changes a replacing convert makes, in order.
    const logFile = join(work, 'calls.log');
    let next: 'a' | 'b' = current === 'a' ? 'b' : 'a';
    const full = await harness(roots[next], { S6M_CALL_LOG: logFile });
    expect(full.status).toBe(0);
    expect(digest(out)).toBe(refs[next]);
    current = next;
    const calls = readFileSync(logFile, 'utf8').trim().split('\n');
    // Reading the host changes nothing: no call names a path under either root.
    expect(calls.filter((c) => c.includes(roots.a) || c.includes(roots.b))).toEqual([]);
    const renames = calls.flatMap((c, i) => (c.startsWith('renameSync ') ? [i + 1] : []));
    expect(renames.length).toBeGreaterThan(0);
    const spread = [1, 2, 3, ...[0.25, 0.5, 0.75, 0.9].map((f) => Math.round(f * calls.length)), calls.length - 1, calls.length];
    const points = [...new Set([...spread, ...renames, ...renames.map((r) => r + 1)])].filter((k) => k >= 1 && k <= calls.length).sort((x, y) => x - y);

    const seen: string[] = [];
    for (const k of points) {
      next = current === 'a' ? 'b' : 'a';
      const r = await harness(roots[next], { S6M_KILL_AT: String(k) });
      const d = digest(out);
      let state = d === refs[current] ? 'previous' : d === refs[next] ? 'new' : d === undefined ? 'MISSING' : 'MIXED';
      if (state === 'MISSING') {
        // Killed between the two renames (Node has no atomic directory exchange): the previous tree must
        // be whole beside OUT, and the next run must put it back before doing anything else.
        const aside = readdirSync(work).filter((n) => n.startsWith('.out.old-')).map((n) => join(work, n, 'out')).filter((p) => existsSync(p));
        if (aside.length === 1 && digest(aside[0]!) === refs[current]) {
          const again = runCli(cli.bin, ['convert', '--root', roots[current], '--out', out, '--force', '--json']);
          const restored = again.status === 0 && again.stdout.includes('out-recovered') && digest(out) === refs[current];
          if (restored) state = 'previous (set aside whole, put back by the next run)';
          else state = `MISSING (aside ${aside.length}, status ${again.status}, recovered note ${again.stdout.includes('out-recovered')}, digest ok ${digest(out) === refs[current]})`;
        }
      }
      seen.push(`killed before change ${k}/${calls.length} (${calls[k - 1]}): ${r.signal ?? `exit ${r.status}`}, OUT is ${state}`);
      if (state === 'new') current = next;
      if (state === 'MISSING' || state === 'MIXED') {
        // Put a whole tree back so the remaining points still test something.
        rmSync(out, { recursive: true, force: true });
        expect(runCli(cli.bin, ['convert', '--root', roots[current], '--out', out]).status).toBe(0);
      }
    }
    console.log(`crash points:\n${seen.join('\n')}`);
    expect(seen.filter((x) => /MISSING|MIXED/.test(x))).toEqual([]);
  }, 600_000);
});
