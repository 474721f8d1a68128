/**
 * Cycle breaking: s6-rc-compile rejects any dependency cycle, bundles included (a dependency on a bundle
 * is a dependency on each member, reference §4.1). Cycles are found on the graph of services; each is
 * broken by removing its weakest edge (order-only, then `wants`, then `requires`; ties by name), with a
 * warning naming the cycle. An edge to a bundle is replaced by edges to its other members, so breaking
 * `a -> bundle{b,c}` at `a -> b` keeps `a -> c`.
 */
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import { parseNode, serviceNode, STRENGTH_RANK, type Edge, type NodeKey, type Registry } from './registry.js';

/** `reg.atomsOf` for one pass: bundles do not change while cycles are broken, so each node is walked once. */
function atomCache(reg: Registry): (node: NodeKey) => Set<string> {
  const cache = new Map<NodeKey, Set<string>>();
  return (node) => {
    let atoms = cache.get(node);
    if (!atoms) cache.set(node, (atoms = reg.atomsOf(node)));
    return atoms;
  };
}

/** Sorted, distinct services among `nodes` that the edges leaving one service point at. */
function successors(out: readonly Edge[], atomsOf: (n: NodeKey) => Set<string>, nodes: ReadonlySet<string>): string[] {
  const set = new Set<string>();
  for (const e of out) for (const to of atomsOf(e.to)) if (nodes.has(to)) set.add(to);
  return [...set].sort(cmp);
}

/** First cycle found by a depth-first walk in byte order, as [a, b, ..., a]; undefined if none. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>, order: readonly string[] = [...graph.keys()].sort(cmp)): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 'open');
    path.push(n);
    for (const m of graph.get(n) ?? []) {
      const st = state.get(m);
      if (st === 'open') return [...path.slice(path.indexOf(m)), m];
      if (st === undefined) {
        const found = visit(m);
        if (found) return found;
      }
    }
    path.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of order) {
    if (state.has(n)) continue;
    const found = visit(n);
    if (found) return found;
  }
  return undefined;
}

/**
 * Returns the edges without cycles among `nodes` (the services that will be emitted). Edges touching other
 * services are kept: the emitter drops those with their own diagnostic.
 */
export function breakCycles(reg: Registry, input: readonly Edge[], nodes: ReadonlySet<string>, diagnostics: Diagnostic[]): Edge[] {
  // Removing a step only changes the edges leaving its `from`, so the graph is kept and only that
  // service's successors are recomputed (rebuilding it per cycle was quadratic on large hosts). The
  // result keeps the order the one-shot rebuild gave: survivors in input order, then replacements.
  const atomsOf = atomCache(reg);
  const all: Edge[] = [...input];
  const removed = new Set<Edge>();
  const leaving = new Map<string, Edge[]>();
  for (const n of nodes) leaving.set(n, []);
  for (const e of all) leaving.get(e.from)?.push(e);
  const graph = new Map<string, string[]>();
  for (const [n, out] of leaving) graph.set(n, successors(out, atomsOf, nodes));
  const order = [...graph.keys()].sort(cmp);
  for (;;) {
    const cycle = findCycle(graph, order);
    if (!cycle) return removed.size === 0 ? all : all.filter((e) => !removed.has(e));
    // Each step a -> b of the cycle costs the strongest edge that makes it; remove the cheapest step.
    let best: { from: string; to: string; cost: number; covering: Edge[] } | undefined;
    for (let i = 0; i + 1 < cycle.length; i++) {
      const from = cycle[i]!;
      const to = cycle[i + 1]!;
      const covering = leaving.get(from)!.filter((e) => atomsOf(e.to).has(to));
      const cost = Math.max(...covering.map((e) => STRENGTH_RANK[e.strength]));
      if (!best || cost < best.cost || (cost === best.cost && (cmp(from, best.from) || cmp(to, best.to)) < 0)) {
        best = { from, to, cost, covering };
      }
    }
    const { from, to, covering } = best!;
    const replacement: Edge[] = [];
    for (const e of covering) {
      if (parseNode(e.to).kind === 'bundle') {
        for (const other of [...atomsOf(e.to)].sort(cmp)) {
          if (other !== to && other !== from) replacement.push({ ...e, to: serviceNode(other) });
        }
      }
      diagnostics.push(diag('warning', 'dep-cycle-broken', e.origin.file, e.origin.line,
        `dependency cycle ${cycle.join(' -> ')}: dropped ${from} -> ${to} (${e.strength === 'order' ? 'order only' : e.strength}, from ${e.why})`, from));
    }
    for (const e of covering) removed.add(e);
    all.push(...replacement);
    const out = [...leaving.get(from)!.filter((e) => !removed.has(e)), ...replacement];
    leaving.set(from, out);
    graph.set(from, successors(out, atomsOf, nodes));
  }
}
