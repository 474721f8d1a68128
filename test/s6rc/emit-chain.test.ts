/**
 * `chainCommands` output is what s6-rc-compile lexes into the oneshot's argv; run it through Debian's real
 * execlineb with a probe that records each command's argv, and check every command ran with exactly
 * its words, in order, and that a failing command stops the chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainCommands } from '../../src/s6rc/emit-chain.js';
import { UnsafeArgvError } from '../../src/s6rc/execline.js';
import { describeStacks, type Stack } from '../support/stacks.js';

let dir: string;
let probe: string;
let log: string;

/** Each probe run appends `argc\0arg\0arg\0...`, so commands and words can be told apart. */
function runs(): string[][] {
  const parts = readFileSync(log, 'utf8').split('\0');
  parts.pop();
  const out: string[][] = [];
  for (let i = 0; i < parts.length; ) {
    const n = Number(parts[i++]);
    out.push(parts.slice(i, i + n));
    i += n;
  }
  return out;
}

function run(stack: Stack, script: string): number {
  writeFileSync(log, '');
  const file = join(dir, 'up');
  writeFileSync(file, script);
  return spawnSync(stack.tool('execlineb'), ['-P', file], { stdio: 'ignore', env: stack.env }).status ?? -1;
}

describe('chainCommands', () => {
  it('one command is one plain line; several are chained with if blocks', () => {
    expect(chainCommands([['/bin/a', 'x']])).toBe('"/bin/a" "x"');
    expect(chainCommands([['/bin/a'], ['/bin/b', '{'], ['/bin/c']])).toBe('if { "/bin/a" } if { "/bin/b" "{" } "/bin/c"');
  });
  it('refuses an empty list and NUL bytes', () => {
    expect(() => chainCommands([])).toThrow(UnsafeArgvError);
    expect(() => chainCommands([['/bin/a'], ['/bin/b', 'x\0y']])).toThrow(UnsafeArgvError);
  });
});

describeStacks('chainCommands through the real execlineb', (stack) => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 's6m-chain-'));
    probe = join(dir, 'probe');
    log = join(dir, 'log');
    writeFileSync(probe, `#!/bin/sh\n{ printf '%s\\0' "$#"; for a; do printf '%s\\0' "$a"; done; } >> '${log}'\n[ "$1" = fail ] && exit 3\nexit 0\n`);
    chmodSync(probe, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every command receives exactly its words, block delimiters and empty words included', () => {
    const cmds = [
      [probe, 'first', '', ' ', '{', '}', '"q"', 'back\\slash'],
      [probe, 'second', 'line\nbreak', '#not-a-comment', '$HOME', 'if'],
      [probe, 'third', '}', '{ }'],
    ];
    expect(run(stack, chainCommands(cmds) + '\n')).toBe(0);
    expect(runs()).toEqual(cmds.map((c) => c.slice(1)));
  });

  it('a failing command stops the chain and the chain fails', () => {
    expect(run(stack, chainCommands([[probe, 'ok'], [probe, 'fail'], [probe, 'never']]) + '\n')).not.toBe(0);
    expect(runs()).toEqual([['ok'], ['fail']]);
  });

  it('execlineb -Pc parses it the same way', () => {
    writeFileSync(log, '');
    execFileSync(stack.tool('execlineb'), ['-Pc', chainCommands([['echo', 'a b'], [probe, 'x y', 'z']])], { stdio: 'ignore', env: stack.env });
    expect(runs()).toEqual([['x y', 'z']]);
  });
});
