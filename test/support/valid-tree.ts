/** The two verdicts every end-to-end test wants on a written tree: our validator, then the real compiler. */
import { expect } from 'vitest';
import { checkTree, compileWithS6rc } from '../../src/check/index.js';
import { STACKS, type Stack } from './stacks.js';

/** The validator accepts the tree; its errors are printed if not. */
export function expectValidates(dir: string): void {
  const checked = checkTree(dir);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(checked.ok).toBe(true);
}

/** The real s6-rc-compile of the given stacks (default: every built one, STACKS_TITLE) accepts the tree. */
export function expectCompiles(dir: string, stacks: readonly Stack[] = STACKS): void {
  for (const stack of stacks) {
    const r = compileWithS6rc(dir, { path: stack.path });
    expect(r.available, `s6-rc ${stack.version}: no s6-rc-compile in ${stack.bin}`).toBe(true);
    expect(r.version, `s6-rc ${stack.version} detected as ${r.version}`).toBe(stack.version);
    expect(r.ok, `s6-rc ${stack.version}: ${r.output}`).toBe(true);
  }
}

/** Both verdicts. */
export function expectValid(dir: string): void {
  expectValidates(dir);
  expectCompiles(dir);
}
