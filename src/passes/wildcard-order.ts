/**
 * Order against every other service, which s6-rc has no wildcard for; both are expanded after every
 * other edge is known, into order edges (order only never pulls a service in).
 *
 * "After everything" (LSB `$all`, OpenRC `after *`): insserv(8) starts such a script after every script
 * that does not use `$all` itself; OpenRC does the same for `after *`. The edges go towards every
 * emitted service that is started wherever the dependent is, except services that already come after it
 * (an edge there would be a cycle) and other "after everything" services (they are unordered among
 * themselves, as in insserv). Only the latest of those services are named: a service some other
 * candidate already depends on is ordered through that candidate, which keeps `dependencies.d/` short.
 *
 * "Before everything" (OpenRC `before *`) is the mirror: the earliest services started wherever it is
 * started each get an order edge to it, except those it already comes after and other "before
 * everything" services.
 */
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import { EVERY_SERVICE } from '../model/facilities.js';
import type { DepRef, Service } from '../model/service.js';
import { serviceNode, type Edge, type Registry } from './registry.js';

export function isAfterEverything(d: DepRef): boolean {
  return d.kind === 'after' && d.target === EVERY_SERVICE && !d.facility && d.phase !== 'stop';
}

export function isBeforeEverything(d: DepRef): boolean {
  return d.kind === 'before' && d.target === EVERY_SERVICE && !d.facility && d.phase !== 'stop';
}

/** A reference to every service (either direction, any phase): the passes expand these, not resolve-deps. */
export function isEveryService(d: DepRef): boolean {
  return d.target === EVERY_SERVICE && !d.facility;
}

/** Adds the order edges for every service with an "after everything" reference (edges: all others). */
export function orderAfterEverything(reg: Registry, edges: Edge[], diagnostics: Diagnostic[]): void {
  const lastOnes = [...reg.services.values()].filter((s) => s.deps.some(isAfterEverything)).sort((a, b) => cmp(a.name, b.name));
  if (lastOnes.length === 0) return;
  const graph = serviceGraph(reg, edges);
  const excluded = new Set(lastOnes.map((s) => s.name));
  const added: Edge[] = [];
  for (const s of lastOnes) {
    const ref = s.deps.find(isAfterEverything)!;
    const before = reachable(reverse(graph), [s.name]);
    const candidates = [...reg.services.values()]
      .filter((m) => m.wrapper && !excluded.has(m.name) && !before.has(m.name) && reg.startedWherever(m.name, s.name))
      .map((m) => m.name);
    const covered = reachable(graph, candidates.flatMap((c) => graph.get(c) ?? []));
    const latest = candidates.filter((c) => !covered.has(c)).sort(cmp);
    const why = 'after every other service';
    for (const m of latest) added.push({ from: s.name, to: serviceNode(m), strength: 'order', origin: ref.origin, why });
    diagnostics.push(diag('note', 'dep-after-everything', ref.origin.file, ref.origin.line, `${s.name}: after every other service: ${describe(s.name, latest, candidates.length - latest.length)}`, s.name));
  }
  edges.push(...added);
}

/** Adds an order edge from each earliest service to every service with a "before everything" reference. */
export function orderBeforeEverything(reg: Registry, edges: Edge[], diagnostics: Diagnostic[]): void {
  const firstOnes = [...reg.services.values()].filter((s) => s.deps.some(isBeforeEverything)).sort((a, b) => cmp(a.name, b.name));
  if (firstOnes.length === 0) return;
  const graph = serviceGraph(reg, edges);
  const reversed = reverse(graph);
  const excluded = new Set(firstOnes.map((s) => s.name));
  const added: Edge[] = [];
  for (const s of firstOnes) {
    const ref = s.deps.find(isBeforeEverything)!;
    const after = reachable(graph, [s.name]);
    const candidates = [...reg.services.values()]
      .filter((m) => m.wrapper && !excluded.has(m.name) && !after.has(m.name) && reg.startedWherever(s.name, m.name))
      .map((m) => m.name);
    const covered = reachable(reversed, candidates.flatMap((c) => reversed.get(c) ?? []));
    const earliest = candidates.filter((c) => !covered.has(c)).sort(cmp);
    const why = `${s.name} before every other service`;
    for (const m of earliest) added.push({ from: m, to: serviceNode(s.name), strength: 'order', origin: ref.origin, why });
    diagnostics.push(diag('note', 'dep-before-everything', ref.origin.file, ref.origin.line, `${s.name}: before every other service: ${describeBefore(s.name, earliest, candidates.length - earliest.length)}`, s.name));
  }
  edges.push(...added);
}

function describeBefore(name: string, earliest: readonly string[], through: number): string {
  if (earliest.length === 0) return `no other service is started only where ${name} is; dropped`;
  const one = earliest.length === 1;
  const named = one ? earliest[0]! : `${earliest.length} services (${earliest.join(', ')})`;
  if (through === 0) return `${named} ${one ? 'depends' : 'depend'} on it`;
  return `${named} ${one ? 'depends' : 'depend'} on it, and the other ${through} service${through === 1 ? '' : 's'} started with it come after ${one ? 'that one' : 'those'}`;
}

function describe(name: string, latest: readonly string[], through: number): string {
  if (latest.length === 0) return `nothing else is started wherever ${name} is; dropped`;
  const one = latest.length === 1;
  const named = one ? latest[0]! : `${latest.length} services (${latest.join(', ')})`;
  if (through === 0) return `ordered after ${named}`;
  return `ordered after ${named}, which ${one ? 'comes' : 'come'} after the other ${through} service${through === 1 ? '' : 's'} started wherever ${name} is`;
}

/** Service -> services it comes after, through every edge so far (bundles expanded to their services). */
function serviceGraph(reg: Registry, edges: readonly Edge[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const e of edges) {
    const out = graph.get(e.from) ?? [];
    for (const a of reg.atomsOf(e.to)) out.push(a);
    graph.set(e.from, out);
  }
  return graph;
}

function reverse(graph: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
  const rev = new Map<string, string[]>();
  for (const [from, tos] of graph) for (const to of tos) (rev.get(to) ?? rev.set(to, []).get(to)!).push(from);
  return rev;
}

/** Every node reachable from `starts` (the starts included). */
function reachable(graph: ReadonlyMap<string, readonly string[]>, starts: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...starts];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const m of graph.get(n) ?? []) stack.push(m);
  }
  return seen;
}
