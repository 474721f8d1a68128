/**
 * Differential test: every tree of cases.ts through the real s6-rc-compile must get the same verdict as
 * checkTree. Skipped when s6-rc-compile is not on PATH (build s6-rc 0.5.4.1 from skarnet to run it).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checkTree } from '../../src/check/index.js';
import { compileWithS6rc, findS6rcCompile } from '../../src/check/compile.js';
import { CASES } from './cases.js';
import { makeTree, removeTrees } from './tree-builder.js';

const have = findS6rcCompile() !== undefined;
if (!have) console.warn('differential check tests skipped: s6-rc-compile is not on PATH');

afterAll(removeTrees);

describe.skipIf(!have)('checkTree agrees with the real s6-rc-compile', () => {
  for (const c of CASES) {
    it(c.title, () => {
      const src = makeTree(c.spec);
      const real = compileWithS6rc(src);
      expect(real.available).toBe(true);
      const ours = checkTree(src);
      expect({ verdict: ours.ok, output: real.output }).toEqual({ verdict: real.ok, output: real.output });
      expect(real.ok).toBe(c.ok);
    });
  }
});
