/**
 * `OUT/.s6migrate/model.json` bytes: `renderModel` (and the pieces the writer streams) must equal
 * `JSON.stringify` of the model with every object's keys in byte order, whatever order the keys were
 * created in and however deep.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderModel } from '../../src/pipeline.js';
import type { HostFacts, Service } from '../../src/model/service.js';

/** The obvious definition: a fresh object per object, keys sorted. */
function sortedCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedCopy);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) if ((v as Record<string, unknown>)[k] !== undefined) out[k] = sortedCopy((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

const expected = (services: unknown[], host: unknown) =>
  JSON.stringify(sortedCopy({ version: 1, services: [...services].sort((a, b) => ((a as Service).name < (b as Service).name ? -1 : 1)), host }), null, 2) + '\n';

// Keys out of order, already in order, empty, non-ASCII and uppercase (byte order: 'Z' < 'a' < 'é'), undefined members.
const key = fc.constantFrom('', 'a', 'b', 'Z', 'é', 'name', 'deps', '10', '2', 'origin', 'x-y');
const value = fc.letrec((tie) => ({
  any: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), tie('obj'), tie('arr')),
  obj: fc.dictionary(key, tie('any'), { maxKeys: 6 }),
  arr: fc.array(tie('any'), { maxLength: 4 }),
})).any;

describe('renderModel', () => {
  it('equals JSON.stringify of the model with keys sorted at every depth (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 5 }), fc.array(value, { maxLength: 5 }), value, (names, extras, host) => {
        const services = names.map((name, i) => ({ zeta: extras[i], name, alpha: { b: 1, a: [extras[i], { d: 2, c: undefined }] } }));
        expect(renderModel(services as unknown as Service[], host as HostFacts)).toBe(expected(services, host));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves the model as it was (objects already in order are printed, not copied or changed)', () => {
    const svc = { alpha: { x: [1, { b: 2, a: 1 }] }, name: 's' };
    const before = JSON.stringify(svc);
    expect(renderModel([svc as unknown as Service], {} as HostFacts)).toBe(expected([svc], {}));
    expect(JSON.stringify(svc)).toBe(before);
  });
});
