import { afterAll, describe, expect, it } from 'vitest';
import { checkTree } from '../../src/check/index.js';
import { CASES } from './cases.js';
import { makeTree, removeTrees } from './tree-builder.js';

afterAll(removeTrees);

describe('checkTree: one tree per s6-rc-compile rule', () => {
  for (const c of CASES) {
    it(`${c.ok ? 'accepts' : 'rejects'}: ${c.title}`, () => {
      const r = checkTree(makeTree(c.spec));
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      expect(r.ok, JSON.stringify(r.diagnostics, null, 1)).toBe(c.ok);
      expect(errors.length === 0).toBe(c.ok);
      if (c.code) {
        const codes = r.diagnostics.filter((d) => d.severity === (c.ok ? 'warning' : 'error')).map((d) => d.code);
        expect(codes).toContain(c.code);
      }
    });
  }
});
