import { describe, expect, it } from 'vitest';
import { findCycle } from '../../src/passes/cycles.js';
import { planConversion, type ConversionPlan } from '../../src/passes/index.js';
import { dep, result, svc } from './factory.js';
import { codes, depsOf } from './helpers.js';

const R2 = ['runlevel-2'];

function assertAcyclic(plan: ConversionPlan): void {
  const atoms = (n: string, seen = new Set<string>()): string[] => {
    const d = plan.tree.definitions.get(n)!;
    if (d.type !== 'bundle') return [n];
    if (seen.has(n)) return [];
    seen.add(n);
    return d.contents.flatMap((m) => atoms(m, seen));
  };
  const graph = new Map<string, string[]>();
  for (const d of plan.tree.definitions.values()) if (d.type !== 'bundle') graph.set(d.name, d.dependencies.flatMap((x) => atoms(x)));
  expect(findCycle(graph)).toBeUndefined();
}

describe('cycle breaking', () => {
  it('finds a cycle', () => {
    expect(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]))).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b']], ['b', []]]))).toBeUndefined();
  });

  it('removes the order-only edge first, with a warning naming the cycle', () => {
    const plan = planConversion([result([
      svc('a', { startIn: R2, deps: [dep('requires', 'b')] }),
      svc('b', { startIn: R2, deps: [dep('wants', 'c')] }),
      svc('c', { startIn: R2, deps: [dep('after', 'a')] }),
    ])]);
    expect(depsOf(plan, 'a')).toEqual(['b']);
    expect(depsOf(plan, 'b')).toEqual(['c']);
    expect(depsOf(plan, 'c')).toEqual([]);
    const w = codes(plan, 'dep-cycle-broken');
    expect(w).toHaveLength(1);
    expect(w[0]!.severity).toBe('warning');
    expect(w[0]!.message).toContain('a -> b -> c -> a');
    expect(w[0]!.message).toContain('dropped c -> a');
    assertAcyclic(plan);
  });

  it('then wants before requires', () => {
    const plan = planConversion([result([
      svc('a', { deps: [dep('requires', 'b')] }),
      svc('b', { deps: [dep('wants', 'a')] }),
    ])]);
    expect(depsOf(plan, 'a')).toEqual(['b']);
    expect(depsOf(plan, 'b')).toEqual([]);
  });

  it('all requires: still broken, deterministically', () => {
    const plan = planConversion([result([svc('x', { deps: [dep('requires', 'y')] }), svc('y', { deps: [dep('requires', 'x')] })])]);
    expect(depsOf(plan, 'x')).toEqual([]);
    expect(depsOf(plan, 'y')).toEqual(['x']);
    assertAcyclic(plan);
  });

  it('through a bundle: the other members of the bundle stay dependencies', () => {
    const plan = planConversion([result([
      svc('p1', { provides: ['virt'], deps: [dep('requires', 'user')] }),
      svc('p2', { provides: ['virt'] }),
      svc('user', { deps: [dep('wants', 'virt')] }),
    ])]);
    expect(depsOf(plan, 'p1')).toEqual(['user']);
    expect(depsOf(plan, 'user')).toEqual(['p2']);
    assertAcyclic(plan);
  });
});
