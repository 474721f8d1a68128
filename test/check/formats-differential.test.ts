/**
 * Random byte contents for the strict formats (TYPE, TIMEOUT, UINT, NAMELIST) in small trees, checked
 * against the real s6-rc-compile of both stacks: the verdicts must match.
 */
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { checkTree } from '../../src/check/index.js';
import { compileWithS6rc } from '../../src/check/compile.js';
import { describeStacks, type Stack } from '../support/stacks.js';
import { longrun, makeTree, oneshot, removeTrees } from './tree-builder.js';

afterAll(removeTrees);
const runs = Number(process.env.S6M_FUZZ_RUNS ?? 40);

const bytes = (alphabet: string[], max: number) =>
  fc.array(fc.constantFrom(...alphabet), { maxLength: max }).map((a) => Buffer.from(a.join(''), 'latin1'));

function agree(stack: Stack, spec: Parameters<typeof makeTree>[0]): void {
  const src = makeTree(spec);
  const real = compileWithS6rc(src, { path: stack.path });
  expect({ ok: checkTree(src).ok, out: real.output }).toEqual({ ok: real.ok, out: real.output });
}

describeStacks('format readers agree with s6-rc-compile on random contents', (stack) => {
  it('TYPE', () => {
    fc.assert(fc.property(fc.constantFrom('oneshot', 'longrun', 'bundle', 'bundl', 'oneshots'), bytes(['\n', ' ', '\r', '\0', 'x'], 4),
      (word, tail) => agree(stack, { a: { type: Buffer.concat([Buffer.from(word), tail]), up: 'true', run: 'x', contents: '' } })), { numRuns: runs });
  });
  it('TIMEOUT', () => {
    fc.assert(fc.property(bytes(['0', '1', '9', '4', '\n', ' ', '-', '\r', '\0', 'x'], 12),
      (t) => agree(stack, { a: oneshot('true', { 'timeout-up': t }) })), { numRuns: runs });
  });
  it('UINT', () => {
    fc.assert(fc.property(bytes(['0', '3', '9', '\n', ' ', '+', '\0', '#'], 13), bytes(['0', '3', '4', '\n'], 3),
      (n, l) => agree(stack, { a: longrun({ 'notification-fd': n, 'lock-fd': l }) })), { numRuns: runs });
  });
  it('NAMELIST', () => {
    fc.assert(fc.property(bytes(['a', 'b', ' ', '\t', '\n', '#', '\r', '\0'], 10),
      (list) => agree(stack, { a: oneshot(), b: oneshot(), 'a b': oneshot(), c: oneshot('true', { dependencies: list }) })), { numRuns: runs });
  });
});
