/**
 * The dependency and bundle graph of an s6-rc tree, as Graphviz dot or Mermaid text, so a person can see
 * what starts before what. Edges point from a service to what it needs (A -> B: B starts first);
 * bundle membership is drawn dashed.
 */
import type { S6Tree, S6Type } from '../s6rc/tree.js';
import { cmp } from '../model/diagnostic.js';

export type GraphFormat = 'dot' | 'mermaid';

const shapeByType: Record<S6Type, string> = { oneshot: 'box', longrun: 'ellipse', bundle: 'folder' };

export function renderGraph(tree: S6Tree, format: GraphFormat): string {
  const defs = [...tree.definitions.values()].sort((a, b) => cmp(a.name, b.name));
  return format === 'dot' ? renderDot(defs) : renderMermaid(defs);
}

type Def = S6Tree['definitions'] extends Map<string, infer D> ? D : never;

function dotId(name: string): string {
  return '"' + name.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

function renderDot(defs: Def[]): string {
  const out = ['digraph s6rc {', '  rankdir=LR;', '  node [fontname="sans-serif"];'];
  for (const d of defs) out.push(`  ${dotId(d.name)} [shape=${shapeByType[d.type]}];`);
  for (const d of defs) {
    for (const dep of [...d.dependencies].sort(cmp)) out.push(`  ${dotId(d.name)} -> ${dotId(dep)};`);
    for (const member of [...d.contents].sort(cmp)) out.push(`  ${dotId(d.name)} -> ${dotId(member)} [style=dashed];`);
    const producerFor = d.files['producer-for']?.content.trim();
    if (producerFor) out.push(`  ${dotId(d.name)} -> ${dotId(producerFor)} [style=bold, label="logs"];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

/** Mermaid node ids must be simple; names go in labels. */
function renderMermaid(defs: Def[]): string {
  const ids = new Map(defs.map((d, i) => [d.name, `n${i}`]));
  const idOf = (name: string): string => {
    let id = ids.get(name);
    if (id === undefined) {
      id = `n${ids.size}`;
      ids.set(name, id);
    }
    return id;
  };
  const label = (s: string): string => '"' + s.replace(/"/g, '#quot;').replace(/\n/g, ' ') + '"';
  const open: Record<S6Type, [string, string]> = { oneshot: ['[', ']'], longrun: ['(', ')'], bundle: ['[[', ']]'] };
  const out = ['flowchart LR'];
  for (const d of defs) {
    const [l, r] = open[d.type];
    out.push(`  ${idOf(d.name)}${l}${label(d.name)}${r}`);
  }
  for (const d of defs) {
    for (const dep of [...d.dependencies].sort(cmp)) out.push(`  ${idOf(d.name)} --> ${idOf(dep)}`);
    for (const member of [...d.contents].sort(cmp)) out.push(`  ${idOf(d.name)} -.-> ${idOf(member)}`);
    const producerFor = d.files['producer-for']?.content.trim();
    if (producerFor) out.push(`  ${idOf(d.name)} ==>|logs| ${idOf(producerFor)}`);
  }
  return out.join('\n') + '\n';
}
