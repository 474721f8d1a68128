import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { lexExecline, lexExeclineByMachine } from '../../src/check/execline-lexer.js';
import { describeStacks, type Stack } from '../support/stacks.js';

const lex = (s: string | Buffer) => lexExecline(Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1'));
const words = (s: string) => {
  const r = lex(s);
  if (!r.ok) throw new Error(`unexpected ${r.error}`);
  return r.argv.map((w) => w.toString('latin1'));
};

describe('lexExecline fast path for plain quoted scripts', () => {
  it('gives what the state machine gives, on scripts near the written form (property)', () => {
    // Pieces of the writer's form plus what must leave it: joined words, escapes, NUL, braces, comments.
    const piece = fc.constantFrom('"', '"', 'ab', ' ', '\n', '\t', '\x01', '\\', '\0', '{', '}', '#', 'é', '\xff', '""', '" "');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (parts) => {
        const script = Buffer.from(parts.join(''), 'latin1');
        expect(lexExecline(script)).toEqual(lexExeclineByMachine(script));
      }),
      { numRuns: 3000 },
    );
  });
  it('takes scripts as the writer emits them and near misses alike', () => {
    for (const s of ['"/etc/init.d/x" "start"\n', '', ' \n', '"a""b"', '"a"b', '"a\\"', '"a" # c', '"a" {', '"\x00"', '"a\nb"\t""\x01']) {
      expect(lex(s)).toEqual(lexExeclineByMachine(Buffer.from(s, 'latin1')));
    }
    expect(words('"/etc/init.d/x" "--nodeps" "start"\n')).toEqual(['/etc/init.d/x', '--nodeps', 'start']);
  });
});

describe('lexExecline (reference §7.2, §7.3)', () => {
  it('splits on any control byte and keeps quoted words whole', () => {
    expect(words('a\tb\x01c "d e" ""')).toEqual(['a', 'b', 'c', 'd e', '']);
  });
  it('encodes blocks with leading spaces', () => {
    expect(words('foreground { a "" b } z')).toEqual(['foreground', ' a', ' ', ' b', '', 'z']);
    expect(words('x { y { z } }')).toEqual(['x', ' y', '  z', ' ', '']);
  });
  it('treats # as a comment only at the start of a word', () => {
    expect(words('a#b # c d\ne')).toEqual(['a#b', 'e']);
  });
  it('handles escapes inside and outside quotes', () => {
    expect(words('\\n "\\n" "\\65" "\\0101" "\\0x41" "\\q" a"b c"d')).toEqual(['n', '\n', 'A', 'A', 'A', 'q', 'ab cd']);
    expect(words('a\\\nb')).toEqual(['a\nb']);
    expect(words('a \\\nb')).toEqual(['a', 'b']);
  });
  it('reports the error kinds s6-rc-compile distinguishes', () => {
    expect(lex('a { b')).toEqual({ ok: false, error: 'unmatched {' });
    expect(lex('a } b')).toEqual({ ok: false, error: 'unmatched }' });
    expect(lex('a "b')).toEqual({ ok: false, error: 'syntax' });
    expect(lex('{')).toEqual({ ok: false, error: 'syntax' });
    expect(lex('"\\0"')).toEqual({ ok: false, error: 'syntax' });
    expect(lex('"\\256"')).toEqual({ ok: false, error: 'syntax' });
    expect(lex('a\\')).toEqual({ ok: false, error: 'syntax' });
  });
  it('stops at NUL outside quotes', () => {
    expect(words('a b\0 "unterminated')).toEqual(['a', 'b']);
  });
});

// Differential: each stack's execlineb (the el_parse its s6-rc-compile links: Debian's execline 2.9.3.0
// for 0.5, execline 2.9.9.2 for 0.6) must produce the same argv.
const printfPath = '/usr/bin/printf';
const dir = mkdtempSync(join(tmpdir(), 's6m-lexer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `printf '%s\0' SENTINEL <script>` through execlineb -P and returns the argv after the sentinel. */
function realLex(stack: Stack, script: Buffer): { ok: true; argv: string[] } | { ok: false } {
  const file = join(dir, 'script');
  writeFileSync(file, Buffer.concat([Buffer.from(`${printfPath} %s\\\\0 SENTINEL\n`), script]));
  const r = spawnSync(stack.tool('execlineb'), ['-P', file], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'], env: stack.env });
  if (r.status !== 0) return { ok: false };
  const parts = r.stdout.split('\0');
  parts.pop();
  return { ok: true, argv: parts.slice(1) };
}

describeStacks('lexExecline agrees with the real execlineb', (stack) => {
  it('on random scripts made of the characters that matter', () => {
    const alphabet = ['a', 'x', '0', '1', '7', '9', 'n', 'F', ' ', '\n', '\t', '#', '"', '\\', '{', '}', '\0', '\xe9'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 16 }), (chars) => {
        const script = Buffer.from(chars.join(''), 'latin1');
        const ours = lexExecline(Buffer.concat([Buffer.from(`${printfPath} %s\\\\0 SENTINEL\n`), script]));
        const real = realLex(stack, script);
        // The printf wrapper cannot separate argv[0] words inside blocks from the sentinel; compare verdicts
        // and, when both succeed, the words after the sentinel.
        expect(ours.ok).toBe(real.ok);
        if (ours.ok && real.ok) expect(ours.argv.slice(3).map((w) => w.toString('latin1'))).toEqual(real.argv);
      }),
      { numRuns: Number(process.env.S6M_FUZZ_RUNS ?? 400) },
    );
  });
});

