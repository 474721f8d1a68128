import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonChunks } from '../../src/cli/report.js';

describe('printJson pieces', () => {
  it('join to exactly JSON.stringify(value, null, 2)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.array(fc.jsonValue(), { maxLength: 4 })), (any, obj) => {
        for (const v of [any, obj, { services: [obj, any], host: obj, empty: [], none: {} }]) {
          expect([...jsonChunks(v)].join('')).toBe(JSON.stringify(v, null, 2));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('drops undefined members and writes null for undefined array elements, as JSON.stringify does', () => {
    const v = { a: undefined, b: [undefined, 1], c: { d: undefined } };
    expect([...jsonChunks(v)].join('')).toBe(JSON.stringify(v, null, 2));
  });
});
