/**
 * Final naming: keep the bundles something uses (start bundles, `default`, dependency targets and what
 * they nest), give each its s6-rc name (a service keeps its name; the bundle gets a suffix), and write
 * the result into the model: `Service.s6Dependencies` and `HostFacts.bundles`, everything sorted.
 */
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import { DEFAULT_BUNDLE } from '../model/naming.js';
import type { S6Bundle, Service } from '../model/service.js';
import { bundleName } from './names.js';
import { parseNode, type Edge, type NodeKey, type Registry } from './registry.js';

function isRoot(reason: string): boolean {
  return reason.startsWith('runlevel ') || reason.startsWith('target ');
}

export function finalize(reg: Registry, edges: readonly Edge[], diagnostics: Diagnostic[]): { services: Service[]; bundles: S6Bundle[] } {
  const used = new Set<string>();
  const stack: string[] = [DEFAULT_BUNDLE];
  for (const b of reg.bundles.values()) if (isRoot(b.reason)) stack.push(b.wanted);
  for (const e of edges) if (parseNode(e.to).kind === 'bundle') stack.push(parseNode(e.to).name);
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (used.has(name) || !reg.bundles.has(name)) continue;
    used.add(name);
    for (const m of reg.bundles.get(name)!.members) if (parseNode(m).kind === 'bundle') stack.push(parseNode(m).name);
  }

  const taken = new Set<string>(reg.services.keys());
  const finalName = new Map<string, string>();
  // `default` is named first so nothing else can take it; then byte order.
  for (const wanted of [...used].sort((a, b) => Number(b === DEFAULT_BUNDLE) - Number(a === DEFAULT_BUNDLE) || cmp(a, b))) {
    const name = bundleName(wanted, reg.bundles.get(wanted)!.suffix, taken);
    taken.add(name);
    finalName.set(wanted, name);
  }
  const nameOf = (k: NodeKey): string => {
    const { kind, name } = parseNode(k);
    return kind === 'service' ? name : finalName.get(name)!;
  };

  const bundles: S6Bundle[] = [];
  for (const wanted of used) {
    const b = reg.bundles.get(wanted)!;
    const name = finalName.get(wanted)!;
    if (name !== wanted) {
      diagnostics.push(diag('note', 'bundle-renamed', b.origin?.file ?? wanted, b.origin?.line,
        `bundle ${wanted} (${b.reason}) is named ${name}: a service already has the name ${wanted}`));
    }
    diagnostics.push(...b.notes);
    bundles.push({ name, contents: [...new Set([...b.members].map(nameOf))].sort(cmp), reason: b.reason });
  }
  bundles.sort((a, b) => cmp(a.name, b.name));

  const depsOf = new Map<string, Set<string>>();
  for (const e of edges) {
    const set = depsOf.get(e.from) ?? new Set<string>();
    set.add(nameOf(e.to));
    depsOf.set(e.from, set);
  }
  const services = [...reg.services.values()]
    .map((s): Service => ({ ...s, s6Dependencies: [...(depsOf.get(s.name) ?? [])].filter((d) => d !== s.name).sort(cmp) }))
    .sort((a, b) => cmp(a.name, b.name));
  return { services, bundles };
}
