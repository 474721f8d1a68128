/**
 * A `Type=oneshot` unit with only `ExecStop=` and `RemainAfterExit=yes` (work at shutdown, which systemd
 * accepts) becomes a oneshot whose `up` does nothing and whose `down` runs the command: compiled by the
 * real s6-rc-compile and the `down` run by the stack's execlineb as s6-rc runs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertHost } from '../../src/pipeline.js';
import { describeStacks } from '../support/stacks.js';
import { expectCompiles } from '../support/valid-tree.js';

describe('Type=oneshot with only ExecStop=', () => {
  const work = mkdtempSync(join(tmpdir(), 's6m-stop-only-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const root = join(work, 'root');
  const out = join(work, 'out');
  const unitDir = join(root, 'etc/systemd/system');
  mkdirSync(join(unitDir, 'multi-user.target.wants'), { recursive: true });
  writeFileSync(join(unitDir, 'savestate.service'),
    `[Unit]\nDescription=save state at shutdown\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStop=/bin/sh -c 'echo saved >> ${work}/mark'\n[Install]\nWantedBy=multi-user.target\n`);
  symlinkSync('../savestate.service', join(unitDir, 'multi-user.target.wants/savestate.service'));
  const r = convertHost({ paths: [], root, out, force: false, init: 'systemd' });

  it('is converted: up does nothing, down runs ExecStop=, and it is started with multi-user', () => {
    expect(r.write.ok, JSON.stringify(r.diagnostics)).toBe(true);
    const s = r.services.find((x) => x.name === 'savestate')!;
    expect(s.wrapper).toMatchObject({ kind: 'oneshot', up: [], down: [['/bin/sh', '-c', `echo saved >> ${work}/mark`]] });
    expect(s.findings.map((f) => f.code)).toContain('unit-stop-only');
    expect(readFileSync(join(out, 'savestate/up'), 'utf8')).toBe('');
    expect(existsSync(join(out, 'multi-user/contents.d/savestate'))).toBe(true);
    expectCompiles(out);
  });

  describeStacks('down runs the command', (stack) => {
    it('execlineb runs down as s6-rc would', () => {
      rmSync(join(work, 'mark'), { force: true });
      const run = spawnSync(stack.tool('execlineb'), ['-P', join(out, 'savestate/down')], { env: stack.env, stdio: 'ignore', timeout: 10_000 });
      expect(run.status).toBe(0);
      expect(readFileSync(join(work, 'mark'), 'utf8')).toBe('saved\n');
    });
  });
});
