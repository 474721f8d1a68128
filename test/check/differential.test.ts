/**
 * Differential test: every tree of cases.ts through the real s6-rc-compile must get the same verdict as
 * checkTree, for both s6-rc stacks (test/support/stacks.ts).
 */
import { afterAll, expect, it } from 'vitest';
import { checkTree } from '../../src/check/index.js';
import { compileWithS6rc } from '../../src/check/compile.js';
import { describeStacks } from '../support/stacks.js';
import { CASES } from './cases.js';
import { makeTree, removeTrees } from './tree-builder.js';


afterAll(removeTrees);

describeStacks('checkTree agrees with the real s6-rc-compile', (stack) => {
  for (const c of CASES) {
    it(c.title, () => {
      const src = makeTree(c.spec);
      const real = compileWithS6rc(src, { path: stack.path });
      expect(real.available).toBe(true);
      const ours = checkTree(src);
      expect({ verdict: ours.ok, output: real.output }).toEqual({ verdict: real.ok, output: real.output });
      expect(real.ok).toBe(c.ok);
    });
  }
});
