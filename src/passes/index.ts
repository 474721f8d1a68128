/**
 * The middle end: importer results -> one resolved model -> an s6-rc tree in memory. Pure: no disk I/O.
 * Order: merge formats (the host's init system's definition wins), keep what that init system starts,
 * make names valid, build facility and start bundles, resolve references into
 * edges, break cycles, name the bundles, emit.
 */
import { sortDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import type { HostFacts, ImportResult, Service } from '../model/service.js';
import { emitTree } from '../s6rc/emit.js';
import type { S6Tree } from '../s6rc/tree.js';
import { addDefaultBundle, addStartBundles, separateTargetUnits } from './bundles.js';
import { breakCycles } from './cycles.js';
import { addFacilityBundles } from './facility-bundles.js';
import { finalize } from './finalize.js';
import { initFromFormats, mergeImports } from './merge.js';
import { adaptToInit } from './init-system.js';
import { replaceSocketActivation } from './socket-activation.js';
import { addOpenrcState } from './openrc-state.js';
import type { InitDetection } from '../host-init.js';
import { cleanName, cleanServiceNames } from './names.js';
import { Registry } from './registry.js';
import { resolveDependencies } from './resolve-deps.js';

export interface ConversionPlan {
  services: Service[];
  host: HostFacts;
  tree: S6Tree;
  diagnostics: Diagnostic[];
}

/** Importer diagnostics are included, so the caller prints one list. */
export function planConversion(results: readonly ImportResult[], detected?: InitDetection): ConversionPlan {
  const init = detected?.init ?? initFromFormats(results);
  const merged = mergeImports(results, init);
  const diagnostics = [...merged.diagnostics];
  const forInit = adaptToInit(merged.services, merged.host, init, diagnostics);
  const adapted = addOpenrcState(init === 'systemd' ? replaceSocketActivation(forInit, diagnostics) : forInit);
  const { services: withTargets, targets } = separateTargetUnits(adapted);
  const named = cleanServiceNames(withTargets);
  diagnostics.push(...named.diagnostics);
  const ref = (n: string) => named.renamed.get(n) ?? cleanName(n);

  const host: HostFacts = { facilityMembers: {} };
  if (detected) host.init = detected;
  for (const [k, members] of Object.entries(merged.host.facilityMembers)) {
    host.facilityMembers[k] = members.map((m) => ({ ...m, name: m.name.startsWith('$') ? m.name : ref(m.name.replace(/^\+/, '')) }));
  }
  if (merged.host.defaultBundles) host.defaultBundles = merged.host.defaultBundles;

  const reg = new Registry(named.services, Object.keys(host.facilityMembers));
  addFacilityBundles(reg, host, diagnostics);
  addStartBundles(reg, targets);
  addDefaultBundle(reg, host, diagnostics);
  const edges = resolveDependencies(reg, diagnostics);
  const emitted = new Set(named.services.filter((s) => s.wrapper).map((s) => s.name));
  const acyclic = breakCycles(reg, edges, emitted, diagnostics);
  const { services, bundles } = finalize(reg, acyclic, diagnostics);
  host.bundles = bundles;

  const emittedTree = emitTree(services, host);
  diagnostics.push(...emittedTree.diagnostics);
  return { services, host, tree: emittedTree.tree, diagnostics: sortDiagnostics(dedupe(diagnostics)) };
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = JSON.stringify([d.file, d.line, d.severity, d.code, d.message, d.service]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export { emitTree } from '../s6rc/emit.js';
export { chainCommands } from '../s6rc/emit-chain.js';
