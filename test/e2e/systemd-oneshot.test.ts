/**
 * Real execution of converted units' oneshots (fixtures `e2e/oneshot/`). s6-rc lexes a oneshot's
 * `up`/`down` into an argv at compile time and runs it without a shell, so running the file with
 * Debian's `execlineb -P FILE` is faithful.
 * - `Type=oneshot`: ExecStartPre then both ExecStart lines run in order with the exact argv systemd would
 *   give (quotes, spaces, `$$`, `${VAR}`, `$VAR` splitting, C escapes); the `-` command fails without
 *   stopping the chain; `down` runs ExecStop.
 * - `Type=forking` with PIDFile= and no ExecStop=: `up` starts the daemon, `down` kills it through the pid file.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCompiles, expectValidates } from '../support/valid-tree.js';
import { describeStacks, type Stack } from '../support/stacks.js';
import { convertHost, type ConvertResult } from '../../src/pipeline.js';
import { until } from '../support/until.js';

const FIXTURE = join(__dirname, '../fixtures/e2e/oneshot');

const read = (p: string): string | undefined => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);

/** The file as s6-rc runs it: the stack's execlineb, the stack first on PATH. */
function execlineb(stack: Stack, file: string): { status: number | null; stderr: string } {
  const r = spawnSync(stack.tool('execlineb'), ['-P', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000, env: stack.env });
  return { status: r.status, stderr: r.stderr };
}

/** Running and not a zombie (the daemon's parent exited, so whoever adopts it may reap it late). */
function alive(pid: number): boolean {
  const stat = read(`/proc/${pid}/stat`);
  if (stat !== undefined) return !/^\d+ \(.*\) Z /s.test(stat);
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}


describe('systemd oneshot and forking units, converted and run', () => {
  const work = mkdtempSync(join(tmpdir(), 's6m-e2e-unit-oneshot-'));
  const root = join(work, 'root');
  const out = join(work, 'out');
  const state = join(work, 'state');
  const marks = join(work, 'marks');
  let converted: ConvertResult;
  let forkPid = 0;

  beforeAll(() => {
    mkdirSync(state);
    for (const f of ['rec.sh', 'forkd.sh']) {
      copyFileSync(join(FIXTURE, f), join(work, f));
      chmodSync(join(work, f), 0o755);
    }
    const unitDir = join(root, 'lib/systemd/system');
    mkdirSync(unitDir, { recursive: true });
    for (const u of ['marks.service', 'forkd.service']) {
      writeFileSync(join(unitDir, u), readFileSync(join(FIXTURE, u), 'utf8').replaceAll('@WORK@', work));
    }
    converted = convertHost({ paths: [], root, out, force: false });
  });

  afterAll(() => {
    const pid = forkPid || Number(read(join(state, 'forkd.pid')));
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('writes two oneshots, and the tree passes check', () => {
    expect(converted.write.ok, JSON.stringify(converted.diagnostics, null, 1)).toBe(true);
    expect(read(join(out, 'marks/type'))).toBe('oneshot\n');
    expect(read(join(out, 'forkd/type'))).toBe('oneshot\n');
    expectValidates(out);
  });

  describeStacks('the real tools', (stack) => {
    beforeAll(() => rmSync(marks, { recursive: true, force: true }));

    it('compiles with the real s6-rc-compile', () => {
      expectCompiles(out, [stack]);
    });

    it('up runs ExecStartPre and both ExecStart in order with the exact argv; the `-` failure does not stop it', () => {
      const up = execlineb(stack, join(out, 'marks/up'));
      expect(up.status, up.stderr).toBe(0);
      expect(read(marks)).toBe([
        `[pre][with space][it's]`,
        `[fail][ignored failure]`,
        `[start][cost $5][say hi!][a][b][back\\slash][tab\there]`,
        '',
      ].join('\n'));
    });

    it('down runs ExecStop with the exact argv', () => {
      const before = read(marks) ?? '';
      const down = execlineb(stack, join(out, 'marks/down'));
      expect(down.status, down.stderr).toBe(0);
      expect(read(marks)).toBe(before + `[stop][double "quoted"][]\n`);
    });

    it('a failing command without `-` stops the chain and fails up', () => {
      // The same chain, with the marks log unwritable: rec.sh fails at ExecStartPre, nothing else runs.
      rmSync(marks, { force: true });
      mkdirSync(marks);
      const up = execlineb(stack, join(out, 'marks/up'));
      rmSync(marks, { recursive: true });
      expect(up.status).toBe(4);
    });

    it('Type=forking: up starts the daemon, down kills it through PIDFile=', async () => {
      const up = execlineb(stack, join(out, 'forkd/up'));
      expect(up.status, up.stderr).toBe(0);
      forkPid = Number(await until('the pid file', () => read(join(state, 'forkd.pid'))?.trim(), 5000));
      expect(alive(forkPid)).toBe(true);

      const down = execlineb(stack, join(out, 'forkd/down'));
      expect(down.status, down.stderr).toBe(0);
      await until('the daemon to exit', () => !alive(forkPid), 5000);
      expect(read(join(state, 'forkd.signal'))).toBe('TERM\n');
      expect(existsSync(join(state, 'forkd.pid'))).toBe(false);
    });
  });
});
