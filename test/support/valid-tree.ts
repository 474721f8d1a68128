/** The two verdicts every end-to-end test wants on a written tree: our validator, then the real compiler. */
import { expect } from 'vitest';
import { checkTree, compileWithS6rc } from '../../src/check/index.js';
import { findS6rcCompile } from '../../src/check/compile.js';

/** s6-rc is not packaged by Debian: compile only where it was installed by hand (or in CI images). */
export const haveCompile = findS6rcCompile() !== undefined;

/** The validator accepts the tree; its errors are printed if not. */
export function expectValidates(dir: string): void {
  const checked = checkTree(dir);
  expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(checked.ok).toBe(true);
}

/** The real s6-rc-compile accepts the tree (call only when `haveCompile`). */
export function expectCompiles(dir: string): void {
  const r = compileWithS6rc(dir);
  expect(r.ok, r.output).toBe(true);
}
