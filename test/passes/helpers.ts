import type { Diagnostic } from '../../src/model/diagnostic.js';
import type { ConversionPlan } from '../../src/passes/index.js';

export function defOf(plan: ConversionPlan, name: string) {
  const d = plan.tree.definitions.get(name);
  if (!d) throw new Error(`no definition ${name}; have ${[...plan.tree.definitions.keys()].join(', ')}`);
  return d;
}
export const depsOf = (plan: ConversionPlan, name: string) => defOf(plan, name).dependencies;
export const contentsOf = (plan: ConversionPlan, name: string) => defOf(plan, name).contents;
export const codes = (plan: { diagnostics: Diagnostic[] }, code: string) => plan.diagnostics.filter((d) => d.code === code);
