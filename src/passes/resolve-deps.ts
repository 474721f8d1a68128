/**
 * Dependency resolution: every `DepRef` becomes zero or more s6-rc edges, never a dangling name.
 * - A name is, in this order: a service; a facility spelling (bundle of its providers); a name some
 *   services provide (bundle of them, the s6-rc FAQ's answer to "provides"); a start bundle. Nothing:
 *   `requires` gets an EMPTY bundle of that name and a warning, `wants`/order-only refs are dropped.
 * - `requires`/`wants` pull the target in. `after`/`before` and `wants` marked `ifStarted` (LSB
 *   Should-Start, OpenRC use) only order, so they become an edge only towards services already started
 *   wherever the dependent is (never pull in a new service).
 *   `before X` from A is turned around: X depends on A.
 * - `conflicts` and stop-phase references have no s6-rc equivalent: notes.
 * - "After/before every other service" (LSB `$all`, OpenRC `after *`/`before *`) is expanded last, see wildcard-order.ts.
 */
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import { EVERY_SERVICE } from '../model/facilities.js';
import { targetBundle } from '../model/naming.js';
import type { DepRef, Service } from '../model/service.js';
import { isEveryService, orderAfterEverything, orderBeforeEverything } from './wildcard-order.js';
import { bundleNode, facilityKey, parseNode, serviceNode, type Edge, type NodeKey, type Registry, type Strength } from './registry.js';

function describeRef(d: DepRef): string {
  if (d.target === EVERY_SERVICE && !d.facility) return 'every other service';
  return d.facility ? `facility ${d.target}` : JSON.stringify(d.target);
}

/** Unit names point at the same thing as their base names (`foo.service` -> `foo`). */
function normalize(target: string): string {
  if (target.endsWith('.service')) return target.slice(0, -'.service'.length);
  if (target.endsWith('.target')) return targetBundle(target);
  return target;
}

/**
 * The node a reference names, creating the facility/provides bundle if needed; undefined if nothing.
 * A script's header names are LSB names (Registry.lsbNamed): providers first.
 */
function lookup(reg: Registry, d: DepRef, lsb: boolean): NodeKey | undefined {
  if (d.facility) {
    const f = facilityKey(d.target, reg.aliases);
    return bundleNode(reg.ensureBundle(f, '-facility', `facility ${f}`, d.origin).wanted);
  }
  const name = normalize(d.target);
  const providers = reg.providers.get(name);
  const named = lsb ? reg.lsbNamed(name) : reg.services.has(name) ? [name] : [];
  if (named.length === 1 && named[0] === name) return serviceNode(name);
  const facility = reg.aliases.get(name) ?? (name.startsWith('$') ? name.slice(1) : undefined);
  if (facility !== undefined) return bundleNode(reg.ensureBundle(facility, '-facility', `facility ${facility}`, d.origin).wanted);
  if (providers) {
    const b = reg.ensureBundle(name, '-bundle', `services providing ${name}`, d.origin);
    for (const p of providers) b.members.add(serviceNode(p));
    return bundleNode(name);
  }
  const existing = reg.bundles.get(name);
  if (existing && !existing.reason.startsWith(PLACEHOLDER)) return bundleNode(name);
  return undefined;
}

const PLACEHOLDER = 'placeholder:';
const STRENGTH: Record<'requires' | 'wants', Strength> = { requires: 'requires', wants: 'wants' };

function resolveOne(reg: Registry, s: Service, d: DepRef, edges: Edge[], diagnostics: Diagnostic[]): void {
  const note = (code: string, message: string) =>
    diagnostics.push(diag('note', code, d.origin.file, d.origin.line, `${s.name}: ${message}`, s.name));
  const why = `${d.kind}${d.ifStarted ? ' (only if started anyway)' : ''} ${describeRef(d)}`;
  if (d.kind === 'conflicts') {
    note('dep-conflicts', `conflicts with ${describeRef(d)}: s6-rc has no conflicts; not mapped`);
    return;
  }
  if (d.providers !== undefined) {
    // The host's init system already chose what the name means (OpenRC provider selection).
    const chosen = d.providers.filter((p) => p !== s.name);
    if (chosen.length === 0) {
      note('dep-no-provider', `${why}: no provider is started here, and the host's init system starts none for it; dropped`);
      return;
    }
    for (const p of chosen) resolveOne(reg, s, { kind: d.kind, target: p, facility: false, origin: d.origin, ...(d.ifStarted ? { ifStarted: true } : {}) }, edges, diagnostics);
    return;
  }
  let node = lookup(reg, d, s.format === 'sysv');
  if (node === undefined) {
    if (d.kind === 'requires') {
      const b = reg.ensureBundle(normalize(d.target), '-bundle', `${PLACEHOLDER} nothing provides ${normalize(d.target)}`, d.origin);
      node = bundleNode(b.wanted);
      diagnostics.push(diag('warning', 'dep-missing', d.origin.file, d.origin.line,
        `${s.name}: requires ${describeRef(d)}, which nothing on this host provides: depends on an empty bundle ${b.wanted}`, s.name));
    } else {
      note('dep-absent', `${d.kind} ${describeRef(d)}: nothing on this host has that name; dropped`);
      return;
    }
  }
  const self = serviceNode(s.name);
  if (node === self) return;
  const atoms = reg.atomsOf(node);
  if (d.facility && atoms.size === 0 && d.kind !== 'after' && d.kind !== 'before') {
    // An absent facility is said per service, at the level an absent service is (issue 11).
    if (d.kind === 'requires') {
      diagnostics.push(diag('warning', 'dep-missing', d.origin.file, d.origin.line,
        `${s.name}: requires ${describeRef(d)}, which no service the host starts provides: depends on an empty bundle ${parseNode(node).name}`, s.name));
    } else note('dep-absent', `${why}: no service the host starts provides it; dropped`);
    if (d.kind !== 'requires') return;
  }
  if (parseNode(node).kind === 'bundle' && atoms.has(s.name)) {
    note('dep-self-member', `${why}: it is itself a member of that bundle; dropped`);
    return;
  }
  if (d.kind === 'requires' || (d.kind === 'wants' && !d.ifStarted)) {
    edges.push({ from: s.name, to: node, strength: STRENGTH[d.kind], origin: d.origin, why });
    return;
  }
  const members = [...atoms].sort(cmp);
  if (d.kind === 'after' || d.kind === 'wants') {
    // `Wants=x` + `After=x`: the pulling edge already orders.
    const pulled = d.kind === 'after' && s.deps.some((o) => (o.kind === 'requires' || (o.kind === 'wants' && !o.ifStarted)) && o.phase !== 'stop' && o.target === d.target && o.facility === d.facility);
    if (pulled) return;
    const kept = members.filter((m) => reg.startedWherever(m, s.name));
    const dropped = members.filter((m) => !kept.includes(m));
    if (kept.length > 0 && dropped.length === 0) edges.push({ from: s.name, to: node, strength: 'order', origin: d.origin, why });
    else for (const m of kept) edges.push({ from: s.name, to: serviceNode(m), strength: 'order', origin: d.origin, why });
    if (dropped.length > 0) {
      note('dep-order-dropped', `${why}: order only, and ${dropped.join(', ')} ${dropped.length > 1 ? 'are' : 'is'} not started wherever ${s.name} is; a dependency would pull ${dropped.length > 1 ? 'them' : 'it'} in, so it is dropped`);
    } else if (members.length === 0) {
      note('dep-order-dropped', `${why}: order only, and nothing provides it on this host; dropped`);
    }
    return;
  }
  // before: each member of the target depends on this service.
  const kept = members.filter((m) => reg.startedWherever(s.name, m));
  for (const m of kept) edges.push({ from: m, to: self, strength: 'order', origin: d.origin, why: `${s.name} ${why}` });
  const dropped = members.filter((m) => !kept.includes(m));
  if (dropped.length > 0) {
    note('dep-order-dropped', `${why}: order only, and ${s.name} is not started wherever ${dropped.join(', ')} ${dropped.length > 1 ? 'are' : 'is'}; making ${dropped.length > 1 ? 'them' : 'it'} depend on ${s.name} would pull it in, so it is dropped`);
  }
}

/** Stop-phase references (LSB Required-Stop, ...) only matter when they add something to the start ones. */
function noteStopDeps(s: Service, diagnostics: Diagnostic[]): void {
  const startTargets = new Set(s.deps.filter((d) => d.phase !== 'stop' && d.kind !== 'conflicts').map((d) => d.target));
  const extra = s.deps.filter((d) => d.phase === 'stop' && !startTargets.has(d.target));
  if (extra.length === 0) return;
  const first = extra[0]!.origin;
  diagnostics.push(diag('note', 'dep-stop-only', first.file, first.line,
    `${s.name}: stop-only ordering on ${extra.map(describeRef).join(', ')} is not mapped: s6-rc stops services in reverse dependency order`, s.name));
}

export function resolveDependencies(reg: Registry, diagnostics: Diagnostic[]): Edge[] {
  const edges: Edge[] = [];
  const services = [...reg.services.values()].sort((a, b) => cmp(a.name, b.name));
  for (const s of services) {
    const deps = s.deps
      .filter((d) => d.phase !== 'stop' && !isEveryService(d) && !(!d.facility && normalize(d.target) === s.name))
      .sort((a, b) => cmp(a.kind, b.kind) || cmp(a.target, b.target) || Number(a.facility) - Number(b.facility));
    for (const d of deps) resolveOne(reg, s, d, edges, diagnostics);
    noteStopDeps(s, diagnostics);
  }
  // Last: the wildcards need every other edge to know who already comes after whom.
  orderAfterEverything(reg, edges, diagnostics);
  orderBeforeEverything(reg, edges, diagnostics);
  return edges;
}
