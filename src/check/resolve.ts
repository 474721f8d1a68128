/**
 * Name resolution after all definitions are read, as s6-rc-compile 0.5.4.1 does it (reference §2.3 steps
 * 2-5, §3, §4.1): pipeline bundles, bundle flattening (cycles, undefined members), producer/consumer
 * reciprocity, dependency resolution, and the dependency-cycle check over the atomic graph including the
 * implicit producer -> consumer edges.
 */
import type { Definition, NameRef } from './definition.js';
import type { ServiceType } from './formats.js';
import { Findings } from './messages.js';

type Known = ServiceType;
const typeName = (t: Known | undefined): string => t ?? 'unknown';

export function resolveAll(f: Findings, defs: Map<string, Definition>): void {
  const types = new Map<string, Known>();
  for (const d of defs.values()) types.set(d.name, d.type);
  const bundles = new Map<string, { source: Definition; members: NameRef[]; pipeline: boolean }>();
  for (const d of defs.values()) if (d.type === 'bundle') bundles.set(d.name, { source: d, members: d.names, pipeline: false });

  addPipelineBundles(f, defs, types, bundles);
  const flat = flattenBundles(f, types, bundles);
  checkPipelineReciprocity(f, defs, types);
  const graph = dependencyGraph(f, defs, types, flat);
  checkCycles(f, defs, graph);
}

/** The last consumer's pipeline-name becomes a bundle of the whole funnel tree behind it. */
function addPipelineBundles(f: Findings, defs: Map<string, Definition>, types: Map<string, Known>,
  bundles: Map<string, { source: Definition; members: NameRef[]; pipeline: boolean }>): void {
  const longruns = [...defs.values()].filter((d) => d.type === 'longrun').reverse();
  for (const last of longruns) {
    const pn = last.pipelineName;
    if (!pn) continue;
    const taken = types.get(pn.name);
    if (taken) {
      f.error('check-duplicate-definition', pn.file,
        `duplicate service definition: ${pn.name} defined in s6-rc-compile internals is already defined and has type ${taken}`,
        'a pipeline-name becomes a bundle and must not equal any service or other pipeline name', { line: pn.line, service: last.name });
      continue;
    }
    types.set(pn.name, 'bundle');
    const members: NameRef[] = [];
    const onPath = new Set<string>();
    const visit = (name: string): Known | undefined => {
      const t = types.get(name);
      if (t !== 'longrun') return t;
      if (onPath.has(name)) {
        f.error('check-pipeline-loop', last.dir, `pipeline ${pn.name} is too long: possible loop involving ${name}`,
          'the producer/consumer declarations form a loop', { service: last.name });
        return 'longrun';
      }
      onPath.add(name);
      members.push({ name, line: 0, file: pn.file });
      for (const p of defs.get(name)!.consumerFor) {
        const tp = visit(p.name);
        if (tp !== 'longrun') {
          f.error('check-pipeline-member-type', p.file, `longrun ${name} declares a producer ${p.name} of type ${typeName(tp)}`,
            'every member of a pipeline must be a defined longrun', { line: p.line || undefined, service: name });
        }
      }
      onPath.delete(name);
      return 'longrun';
    };
    visit(last.name);
    bundles.set(pn.name, { source: last, members, pipeline: true });
  }
}

/** Bundle name -> its atomic members; reports cycles (self-containment included) and undefined names. */
function flattenBundles(f: Findings, types: Map<string, Known>,
  bundles: Map<string, { source: Definition; members: NameRef[]; pipeline: boolean }>): Map<string, Set<string>> {
  const flat = new Map<string, Set<string>>();
  const state = new Map<string, 'active' | 'done'>();
  const resolve = (b: string, source: string): Set<string> => {
    const st = state.get(b);
    if (st === 'done') return flat.get(b)!;
    const out = new Set<string>();
    if (st === 'active') {
      const where = bundles.get(b)!.source.dir;
      f.error('check-bundle-cycle', where, `cyclic bundle definition: resolution of ${source} encountered a cycle involving ${b}`,
        'a bundle may not contain itself, directly or through other bundles', { service: b });
      return out;
    }
    state.set(b, 'active');
    for (const m of bundles.get(b)!.members) {
      const t = types.get(m.name);
      if (t === 'oneshot' || t === 'longrun') out.add(m.name);
      else if (t === 'bundle') for (const a of resolve(m.name, source)) out.add(a);
      else {
        f.error('check-undefined-bundle-member', m.file, `during resolution of bundle ${b}: undefined service name ${m.name}`,
          'every member of a bundle must be defined (as a directory, or as a pipeline-name)', { line: m.line || undefined, service: b });
      }
    }
    state.set(b, 'done');
    flat.set(b, out);
    return out;
  };
  for (const b of [...bundles.keys()].sort()) resolve(b, b);
  return flat;
}

/** producer-for and consumer-for must name each other (reference §3 point 4). */
function checkPipelineReciprocity(f: Findings, defs: Map<string, Definition>, types: Map<string, Known>): void {
  for (const d of defs.values()) {
    if (d.type !== 'longrun') continue;
    const c = d.producerFor;
    if (c) {
      const t = types.get(c.name);
      if (t !== 'longrun') {
        f.error('check-producer-target-type', c.file, `longrun service ${d.name} declares being a producer for a service named ${c.name} of type ${typeName(t)}`,
          'producer-for must name a defined longrun', { line: c.line, service: d.name });
      } else if (!defs.get(c.name)!.consumerFor.some((p) => p.name === d.name)) {
        f.error('check-pipeline-not-reciprocal', c.file, `longrun service ${d.name} declares being a producer for a service named ${c.name} that does not declare it back`,
          `${c.name}/consumer-for must list ${d.name}`, { line: c.line, service: d.name });
      }
    }
    for (const p of d.consumerFor) {
      const t = types.get(p.name);
      if (t !== 'longrun') {
        f.error('check-consumer-source-type', p.file, `longrun service ${d.name} declares being the consumer for a service named ${p.name} of type ${typeName(t)}`,
          'consumer-for must name defined longruns', { line: p.line, service: d.name });
      } else if (defs.get(p.name)!.producerFor?.name !== d.name) {
        f.error('check-pipeline-not-reciprocal', p.file, `longrun service ${d.name} declares being the consumer for a service named ${p.name} that does not declare it back`,
          `${p.name}/producer-for must name ${d.name} (a producer feeds exactly one consumer)`, { line: p.line, service: d.name });
      }
    }
  }
}

/** Atomic service -> atomic services it depends on (bundles flattened, producer -> consumer added). */
function dependencyGraph(f: Findings, defs: Map<string, Definition>, types: Map<string, Known>,
  flat: Map<string, Set<string>>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const d of defs.values()) {
    if (d.type === 'bundle') continue;
    const edges = new Set<string>();
    for (const dep of d.names) {
      const t = types.get(dep.name);
      if (t === 'oneshot' || t === 'longrun') edges.add(dep.name);
      else if (t === 'bundle') for (const a of flat.get(dep.name) ?? []) edges.add(a);
      else {
        f.error('check-undefined-dependency', dep.file, `during dependency resolution for service ${d.name}: undefined service name ${dep.name}`,
          'a dependency must name a defined service or bundle', { line: dep.line || undefined, service: d.name });
      }
    }
    if (d.producerFor && types.get(d.producerFor.name) === 'longrun') edges.add(d.producerFor.name);
    graph.set(d.name, edges);
  }
  return graph;
}

/** Iterative DFS (thousands of services must not overflow the stack); one report per cycle found. */
function checkCycles(f: Findings, defs: Map<string, Definition>, graph: Map<string, Set<string>>): void {
  const state = new Map<string, 1 | 2>();
  for (const root of [...graph.keys()].sort()) {
    if (state.has(root)) continue;
    const stack: Array<{ node: string; it: Iterator<string> }> = [{ node: root, it: graph.get(root)!.values() }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = top.it.next();
      if (next.done) {
        state.set(top.node, 2);
        stack.pop();
        continue;
      }
      const n = next.value;
      const s = state.get(n);
      if (s === 1) {
        const d = defs.get(top.node)!;
        f.error('check-dependency-cycle', d.dir, `cyclic service dependency reached from ${root} and involving ${n}`,
          `${top.node} depends on ${n}, which already depends on it (through dependencies, bundles or pipelines: a producer depends on its consumer)`, { service: top.node });
      } else if (s === undefined) {
        state.set(n, 1);
        stack.push({ node: n, it: graph.get(n)!.values() });
      }
    }
  }
}
