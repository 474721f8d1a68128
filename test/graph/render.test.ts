import { describe, expect, it } from 'vitest';
import { missing } from '../support/stacks.js';
import { spawnSync } from 'node:child_process';
import { renderGraph } from '../../src/graph/render.js';
import { definition, newTree, type S6Tree } from '../../src/s6rc/tree.js';

function sampleTree(): S6Tree {
  const tree = newTree();
  const web = definition('web "front"', 'oneshot');
  web.dependencies.push('network', 'db-srv');
  const db = definition('db-srv', 'longrun');
  db.files['producer-for'] = { content: 'db-log\n' };
  const log = definition('db-log', 'longrun');
  const net = definition('network', 'bundle');
  net.contents.push('ifup');
  const ifup = definition('ifup', 'oneshot');
  for (const d of [web, db, log, net, ifup]) tree.definitions.set(d.name, d);
  return tree;
}

const noDot = missing('Graphviz `dot` (apt install graphviz)', spawnSync('dot', ['-V']).status === 0);

describe('graph rendering', () => {
  it('dot: nodes by type, dependency, membership and logging edges, names escaped', () => {
    const dot = renderGraph(sampleTree(), 'dot');
    expect(dot).toContain('"web \\"front\\"" [shape=box];');
    expect(dot).toContain('"db-srv" [shape=ellipse];');
    expect(dot).toContain('"network" [shape=folder];');
    expect(dot).toContain('"web \\"front\\"" -> "db-srv";');
    expect(dot).toContain('"network" -> "ifup" [style=dashed];');
    expect(dot).toContain('"db-srv" -> "db-log" [style=bold, label="logs"];');
  });

  it('mermaid: one node per definition with labels, edges by kind', () => {
    const m = renderGraph(sampleTree(), 'mermaid').split('\n');
    expect(m[0]).toBe('flowchart LR');
    const id = (name: string) => m.find((l) => l.includes(`"${name}"`))!.trim().split(/[[(]/)[0];
    expect(m).toContain(`  ${id('network')} -.-> ${id('ifup')}`);
    expect(m).toContain(`  ${id('db-srv')} ==>|logs| ${id('db-log')}`);
    expect(m.some((l) => l.includes('#quot;front#quot;'))).toBe(true);
  });

  it('is deterministic whatever the insertion order', () => {
    const a = sampleTree();
    const b = newTree();
    for (const d of [...a.definitions.values()].reverse()) b.definitions.set(d.name, d);
    expect(renderGraph(b, 'dot')).toBe(renderGraph(a, 'dot'));
  });

  it.skipIf(noDot !== '')(`Graphviz accepts the dot output and renders SVG${noDot}`, () => {
    const r = spawnSync('dot', ['-Tsvg'], { input: renderGraph(sampleTree(), 'dot'), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('<svg');
  });
});
