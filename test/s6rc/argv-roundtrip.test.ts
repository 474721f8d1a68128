/**
 * Quoting is a security boundary: every hostile argument written into a generated script must reach the
 * program byte for byte. Scripts are executed by each stack's real `execlineb`; a probe prints its argv
 * NUL-separated, and what it prints must equal the input.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { execlineLine, quoteExeclineWord, UnsafeArgvError } from '../../src/s6rc/execline.js';
import { renderRunScript } from '../../src/s6rc/run-script.js';
import { describeStacks, type Stack } from '../support/stacks.js';


export const HOSTILE_ARGS: string[] = [
  'plain',
  'two words',
  '',
  ' ',
  '"',
  "'",
  '\\',
  '\\\\',
  '\\"',
  '$HOME',
  '${HOME}',
  '$1',
  '$@',
  '$#',
  ';',
  'a;b',
  '&&',
  '|',
  '`id`',
  '$(id)',
  '{',
  '}',
  '{ }',
  '{x',
  'x}',
  '#comment',
  'a#b',
  '\n',
  'line1\nline2',
  '\t',
  '\r',
  'trailing\\',
  '-n',
  '--',
  '-e',
  '*',
  '~',
  'é',
  'snowman ☃',
  '日本語',
  '\u00a0nbsp',
  '\x01\x02\x1f',
  '\x7f',
  'quote"in"middle',
  "it's",
  'back\\slash',
  '\\n',
  '\\0',
  '\\x41',
  '"\\"',
  'nul-free\u0080',
];

let dir: string;
let probe: string;

function runExeclineFile(stack: Stack, content: string): string[] {
  const file = join(dir, 'script');
  writeFileSync(file, content);
  const out = execFileSync(stack.tool('execlineb'), ['-P', file], { encoding: 'buffer', stdio: ['ignore', 'pipe', 'pipe'], env: stack.env });
  const text = out.toString('utf8');
  const parts = text.split('\0');
  parts.pop(); // every word ends with NUL, so the last split part is empty
  return parts;
}

describeStacks('argv round trip through execlineb', (stack) => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 's6m-argv-'));
    probe = join(dir, 'probe');
    writeFileSync(probe, "#!/bin/sh\nfor a; do printf '%s\\0' \"$a\"; done\n");
    chmodSync(probe, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('each hostile argument alone reaches the program unchanged', () => {
    for (const arg of HOSTILE_ARGS) {
      expect(runExeclineFile(stack, execlineLine([probe, arg]) + '\n'), JSON.stringify(arg)).toEqual([arg]);
    }
  });

  it('all hostile arguments at once, as a oneshot up line', () => {
    expect(runExeclineFile(stack, execlineLine([probe, ...HOSTILE_ARGS]) + '\n')).toEqual(HOSTILE_ARGS);
  });

  it('a longrun run script with hostile environment paths and arguments', () => {
    const script = renderRunScript({ argv: [probe, ...HOSTILE_ARGS], workdir: dir, umask: '022', stderrToStdout: true });
    expect(script.startsWith('#!/usr/bin/execlineb -P\n')).toBe(true);
    expect(runExeclineFile(stack, script)).toEqual(HOSTILE_ARGS);
  });

  it('random strings round-trip (property)', () => {
    fc.assert(
      fc.property(fc.array(
          fc.oneof(fc.string({ unit: 'binary-ascii', maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 })).filter((s) => !s.includes('\0')),
          { maxLength: 6 },
        ), (args) => {
        expect(runExeclineFile(stack, execlineLine([probe, ...args]) + '\n')).toEqual(args);
      }),
      { numRuns: 60 },
    );
  });
});

describe('execline quoting refusals', () => {
  it('refuses a NUL byte, which no argv can carry', () => {
    expect(() => quoteExeclineWord('a\0b')).toThrow(UnsafeArgvError);
  });
  it('refuses an empty command', () => {
    expect(() => execlineLine([])).toThrow(UnsafeArgvError);
  });
  it('quotes every word, braces and empty words included', () => {
    expect(execlineLine(['/bin/echo', '{', '', '#x'])).toBe('"/bin/echo" "{" "" "#x"');
  });
});
