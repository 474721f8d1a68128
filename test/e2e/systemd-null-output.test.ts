/**
 * StandardOutput=null / StandardError=null (systemd.exec(5); StandardError= inherits StandardOutput='s
 * destination by default) are honoured: the converted oneshot's `up` and longrun's `run`, and the upgraded
 * longrun's `run`, throw that output away. Run for real with each stack's execlineb: what the command
 * prints must not reach the terminal (a wrapper once flooded it with 180 lines).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertHost } from '../../src/pipeline.js';
import { describeStacks } from '../support/stacks.js';
import { expectCompiles, expectValidates } from '../support/valid-tree.js';

const work = mkdtempSync(join(tmpdir(), 's6m-e2e-null-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SAY = `ExecStart=/bin/sh -c 'echo to-stdout; echo to-stderr >&2'`;
const UNITS: Record<string, string> = {
  // oneshots: both streams dropped (stderr inherits), only stdout, only stderr
  'quiet.service': `[Service]\nType=oneshot\n${SAY}\nStandardOutput=null\n`,
  'outonly.service': `[Service]\nType=oneshot\n${SAY}\nStandardOutput=null\nStandardError=journal\n`,
  'erronly.service': `[Service]\nType=oneshot\n${SAY}\nStandardError=null\n`,
  // a longrun as the first conversion writes it
  'quietd.service': `[Service]\nType=simple\n${SAY}\nStandardOutput=null\nStandardError=null\n`,
};

describe('StandardOutput=null / StandardError=null', () => {
  const root = join(work, 'root');
  const out = join(work, 'out');

  beforeAll(() => {
    mkdirSync(join(root, 'lib/systemd/system'), { recursive: true });
    for (const [name, text] of Object.entries(UNITS)) writeFileSync(join(root, 'lib/systemd/system', name), text);
    const r = convertHost({ paths: [], root, out, force: false });
    expect(r.write.ok, JSON.stringify(r.diagnostics, null, 1)).toBe(true);
  });

  it('writes redirections to /dev/null, and the tree is valid', () => {
    expect(readFileSync(join(out, 'quiet/up'), 'utf8')).toContain('"redirfd" "-w" "1" "/dev/null" "redirfd" "-w" "2" "/dev/null"');
    expect(readFileSync(join(out, 'quietd/run'), 'utf8')).toContain('"redirfd" "-w" "1" "/dev/null"\n"redirfd" "-w" "2" "/dev/null"\n');
    expectValidates(out);
  });

  describeStacks('run for real', (stack) => {
    const run = (file: string) => spawnSync(stack.tool('execlineb'), ['-P', file], { encoding: 'utf8', cwd: join(file, '..'), env: stack.env, timeout: 10_000 });

    it('compiles', () => expectCompiles(out, [stack]));

    it('a oneshot prints nothing with StandardOutput=null (stderr inherits it)', () => {
      const r = run(join(out, 'quiet/up'));
      expect(r.status, r.stderr).toBe(0);
      expect([r.stdout, r.stderr]).toEqual(['', '']);
    });

    it('StandardError=journal keeps stderr; StandardError=null alone keeps stdout', () => {
      const a = run(join(out, 'outonly/up'));
      expect([a.status, a.stdout, a.stderr]).toEqual([0, '', 'to-stderr\n']);
      const b = run(join(out, 'erronly/up'));
      expect([b.status, b.stdout, b.stderr]).toEqual([0, 'to-stdout\n', '']);
    });

    it('a longrun run script prints nothing', () => {
      const r = run(join(out, 'quietd/run'));
      expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
    });
  });
});
