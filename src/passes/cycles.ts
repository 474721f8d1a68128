/**
 * Cycle breaking: s6-rc-compile rejects any dependency cycle, bundles included (a dependency on a bundle
 * is a dependency on each member, reference §4.1). Cycles are found on the graph of services; each is
 * broken by removing its weakest edge (order-only, then `wants`, then `requires`; ties by name), with a
 * warning naming the cycle. An edge to a bundle is replaced by edges to its other members, so breaking
 * `a -> bundle{b,c}` at `a -> b` keeps `a -> c`.
 */
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import { parseNode, serviceNode, STRENGTH_RANK, type Edge, type Registry } from './registry.js';

function atomicGraph(reg: Registry, edges: readonly Edge[], nodes: ReadonlySet<string>): Map<string, string[]> {
  const graph = new Map<string, Set<string>>();
  for (const n of nodes) graph.set(n, new Set());
  for (const e of edges) {
    if (!nodes.has(e.from)) continue;
    for (const to of reg.atomsOf(e.to)) if (nodes.has(to)) graph.get(e.from)!.add(to);
  }
  return new Map([...graph].map(([k, v]) => [k, [...v].sort(cmp)]));
}

/** First cycle found by a depth-first walk in byte order, as [a, b, ..., a]; undefined if none. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
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
  for (const n of [...graph.keys()].sort(cmp)) {
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
  let edges = [...input];
  for (;;) {
    const cycle = findCycle(atomicGraph(reg, edges, nodes));
    if (!cycle) return edges;
    // Each step a -> b of the cycle costs the strongest edge that makes it; remove the cheapest step.
    let best: { from: string; to: string; cost: number; covering: Edge[] } | undefined;
    for (let i = 0; i + 1 < cycle.length; i++) {
      const from = cycle[i]!;
      const to = cycle[i + 1]!;
      const covering = edges.filter((e) => e.from === from && reg.atomsOf(e.to).has(to));
      const cost = Math.max(...covering.map((e) => STRENGTH_RANK[e.strength]));
      if (!best || cost < best.cost || (cost === best.cost && (cmp(from, best.from) || cmp(to, best.to)) < 0)) {
        best = { from, to, cost, covering };
      }
    }
    const { from, to, covering } = best!;
    const replacement: Edge[] = [];
    for (const e of covering) {
      if (parseNode(e.to).kind === 'bundle') {
        for (const other of [...reg.atomsOf(e.to)].sort(cmp)) {
          if (other !== to && other !== from) replacement.push({ ...e, to: serviceNode(other) });
        }
      }
      diagnostics.push(diag('warning', 'dep-cycle-broken', e.origin.file, e.origin.line,
        `dependency cycle ${cycle.join(' -> ')}: dropped ${from} -> ${to} (${e.strength === 'order' ? 'order only' : e.strength}, from ${e.why})`, from));
    }
    const removed = new Set(covering);
    edges = [...edges.filter((e) => !removed.has(e)), ...replacement];
  }
}
