/**
 * The atomic writer and its inverse: layout and modes, refusal rules, --force replacement, a tree failing
 * the validator never reaching the output, no temporary directories left behind, identical bytes on
 * every run, and write -> read -> write round trips.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTree } from '../../src/s6rc/read-tree.js';
import { defaultMode, writeTreeAtomic } from '../../src/s6rc/serialize.js';
import { definition, newTree, type S6Tree } from '../../src/s6rc/tree.js';
import { hashTree } from '../e2e/hash-tree.js';

let parent: string;
let out: string;
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 's6m-serialize-'));
  out = join(parent, 'out');
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

function sampleTree(variant = 'a'): S6Tree {
  const t = newTree();
  const ssh = definition('ssh', 'oneshot');
  ssh.dependencies = ['network'];
  ssh.files['up'] = { content: `"/etc/init.d/ssh" "start" "${variant}"\n` };
  ssh.files['down'] = { content: '"/etc/init.d/ssh" "stop"\n' };
  ssh.files['timeout-up'] = { content: '5000\n' };
  const web = definition('web', 'longrun');
  web.dependencies = ['ssh'];
  web.files['run'] = { content: '#!/usr/bin/execlineb -P\n"s6-envdir" "./env"\n"/usr/bin/web"\n', mode: 0o755 };
  web.files['env/PORT'] = { content: '8080\n' };
  web.files['data/nested/file'] = { content: 'x\n', mode: 0o600 };
  const network = definition('network', 'bundle');
  const dflt = definition('default', 'bundle');
  dflt.contents = ['ssh', 'web'];
  for (const d of [web, ssh, dflt, network]) t.definitions.set(d.name, d);
  return t;
}

/** The tree with modes that equal the writer's default dropped, the form `readTree` returns. */
function canonical(t: S6Tree): S6Tree {
  const c = newTree();
  for (const name of [...t.definitions.keys()].sort()) {
    const d = t.definitions.get(name)!;
    const files: typeof d.files = {};
    for (const [p, f] of Object.entries(d.files)) files[p] = f.mode === undefined || f.mode === defaultMode(p) ? { content: f.content } : f;
    c.definitions.set(name, { ...d, dependencies: [...new Set(d.dependencies)].sort(), contents: [...new Set(d.contents)].sort(), files });
  }
  return c;
}

const mode = (p: string) => statSync(p).mode & 0o777;
const siblings = () => readdirSync(parent).sort();

describe('writeTreeAtomic', () => {
  it('lays out definitions with dependencies.d/, contents.d/, fixed modes and state files', () => {
    const r = writeTreeAtomic(sampleTree(), out, { force: false, state: { 'model.json': '{}\n' } });
    expect(r).toMatchObject({ ok: true });
    expect(readdirSync(out).sort()).toEqual(['.s6migrate', 'default', 'network', 'ssh', 'web']);
    expect(readdirSync(join(out, 'ssh')).sort()).toEqual(['dependencies.d', 'down', 'timeout-up', 'type', 'up']);
    expect(readdirSync(join(out, 'ssh/dependencies.d'))).toEqual(['network']);
    expect(readdirSync(join(out, 'default/contents.d')).sort()).toEqual(['ssh', 'web']);
    // An empty bundle keeps its contents.d through git with a dot file, which is no member.
    expect(readdirSync(join(out, 'network/contents.d'))).toEqual(['.empty']);
    expect(mode(out)).toBe(0o755);
    expect(mode(join(out, 'ssh'))).toBe(0o755);
    expect(mode(join(out, 'ssh/up'))).toBe(0o644);
    expect(mode(join(out, 'web/run'))).toBe(0o755);
    expect(mode(join(out, 'web/data/nested/file'))).toBe(0o600);
    expect(readdirSync(join(out, 'network'))).toEqual(['contents.d', 'type']);
    expect(siblings()).toEqual(['out']);
  });

  it('writes no empty directories (git would drop them)', () => {
    const t = sampleTree();
    const lone = definition('lone', 'oneshot');
    lone.files['up'] = { content: '"true"\n' };
    t.definitions.set('lone', lone);
    writeTreeAtomic(t, out, { force: false });
    expect(readdirSync(join(out, 'lone')).sort()).toEqual(['type', 'up']);
    const empty = Object.entries(hashTree(out)).filter(([p, h]) => h.startsWith('dir') && !Object.keys(hashTree(out)).some((q) => q.startsWith(p + '/')));
    expect(empty).toEqual([]);
  });

  it('writes into an empty existing directory, refuses a non-empty one without force', () => {
    mkdirSync(out);
    expect(writeTreeAtomic(sampleTree(), out, { force: false }).ok).toBe(true);
    const before = hashTree(out);
    const r = writeTreeAtomic(sampleTree('b'), out, { force: false });
    expect(r).toMatchObject({ ok: false, refused: true, diagnostics: [{ code: 'out-not-empty', file: out }] });
    expect(hashTree(out)).toEqual(before);
    expect(siblings()).toEqual(['out']);
  });

  it('replaces an existing tree with force and leaves nothing else behind', () => {
    writeTreeAtomic(sampleTree('a'), out, { force: false });
    writeFileSync(join(out, 'ssh', 'stray'), 'from the old tree\n');
    const r = writeTreeAtomic(sampleTree('b'), out, { force: true });
    expect(r.ok).toBe(true);
    const fresh = join(parent, 'fresh');
    writeTreeAtomic(sampleTree('b'), fresh, { force: false });
    expect(hashTree(out)).toEqual(hashTree(fresh));
    expect(siblings()).toEqual(['fresh', 'out']);
  });

  it('never leaves a tree that fails the validator; the old output stays whole', () => {
    writeTreeAtomic(sampleTree(), out, { force: false });
    const before = hashTree(out);
    const bad = sampleTree('b');
    bad.definitions.get('ssh')!.dependencies.push('nowhere');
    const r = writeTreeAtomic(bad, out, { force: true });
    expect(r.ok).toBe(false);
    expect(r.refused).toBeFalsy();
    // The validator's findings name the output path, not the temporary one.
    expect(r.diagnostics.some((d) => d.file.startsWith(join(out, 'ssh')))).toBe(true);
    expect(r.diagnostics.every((d) => !d.file.includes('.tmp-'))).toBe(true);
    expect(hashTree(out)).toEqual(before);
    expect(siblings()).toEqual(['out']);
    // Nor is a new output created.
    const r2 = writeTreeAtomic(bad, join(parent, 'new'), { force: false });
    expect(r2.ok).toBe(false);
    expect(siblings()).toEqual(['out']);
  });

  it('with force, still refuses a directory that is not an s6-rc source tree, a file and a symlink', () => {
    const docs = join(parent, 'docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'letter.txt'), 'precious\n');
    expect(writeTreeAtomic(sampleTree(), docs, { force: true })).toMatchObject({ ok: false, refused: true, diagnostics: [{ code: 'out-refused' }] });
    expect(readdirSync(docs)).toEqual(['letter.txt']);
    const file = join(parent, 'file');
    writeFileSync(file, 'x');
    expect(writeTreeAtomic(sampleTree(), file, { force: true })).toMatchObject({ ok: false, refused: true });
    writeTreeAtomic(sampleTree(), out, { force: false });
    const link = join(parent, 'link');
    symlinkSync('out', link);
    expect(writeTreeAtomic(sampleTree(), link, { force: true })).toMatchObject({ ok: false, refused: true });
    expect(writeTreeAtomic(sampleTree(), join(file, 'below-a-file'), { force: false })).toMatchObject({ ok: false, refused: true, diagnostics: [{ code: 'out-parent-invalid' }] });
  });

  it('creates missing parent directories of the output', () => {
    const deep = join(parent, 'etc/s6-rc/source');
    expect(writeTreeAtomic(sampleTree(), deep, { force: false }).ok).toBe(true);
    expect(mode(join(parent, 'etc/s6-rc'))).toBe(0o755);
    expect(readdirSync(join(parent, 'etc/s6-rc'))).toEqual(['source']);
  });

  it('refuses names that would escape their directory, writing nothing', () => {
    for (const [name, file] of [['../evil', 'up'], ['ok', '../../evil'], ['.hidden', 'up'], ['ok', 'type']] as const) {
      const t = sampleTree();
      const d = definition(name, 'oneshot');
      d.files['up'] = { content: '"true"\n' };
      if (file !== 'up') d.files[file] = { content: 'x\n' };
      t.definitions.set(name, d);
      const r = writeTreeAtomic(t, out, { force: false });
      expect(r.ok, `${name} ${file}`).toBe(false);
      expect(r.diagnostics[0]!.code).toBe('tree-unwritable');
      expect(siblings()).toEqual([]);
    }
    const t = sampleTree();
    t.definitions.get('default')!.contents.push('a/b');
    expect(writeTreeAtomic(t, out, { force: false }).ok).toBe(false);
    expect(writeTreeAtomic(sampleTree(), out, { force: false, state: { '../x': '' } }).ok).toBe(false);
    expect(siblings()).toEqual([]);
  });

  it('writes a state file given in pieces as exactly their concatenation (multi-byte text across blocks)', () => {
    const pieces = Array.from({ length: 3000 }, (_, i) => `{"n":${i},"s":"é€😀 ${'x'.repeat(i % 90)}"}\n`);
    writeTreeAtomic(sampleTree(), out, { force: false, state: { 'model.json': { chunks: () => pieces } } });
    const written = readFileSync(join(out, '.s6migrate', 'model.json'));
    expect(written.length).toBeGreaterThan(2 * 65536);
    expect(written.equals(Buffer.from(pieces.join('')))).toBe(true);
    expect(mode(join(out, '.s6migrate', 'model.json'))).toBe(0o644);
  });

  it('gives identical bytes and modes every time, whatever the umask', () => {
    writeTreeAtomic(sampleTree(), out, { force: false, state: { 'model.json': '{"a":1}\n' } });
    const first = hashTree(out);
    const old = process.umask(0o077);
    try {
      writeTreeAtomic(sampleTree(), out, { force: true, state: { 'model.json': '{"a":1}\n' } });
    } finally {
      process.umask(old);
    }
    expect(hashTree(out)).toEqual(first);
  });
});

describe('readTree', () => {
  it('reads back what was written (tree and state); writing it again gives the same bytes', () => {
    const state = { 'model.json': '{"version":1}\n', 'state.json': '{}\n' };
    writeTreeAtomic(sampleTree(), out, { force: false, state });
    const r = readTree(out);
    expect(r.diagnostics).toEqual([]);
    expect(r.state).toEqual(state);
    expect(r.tree).toEqual(canonical(sampleTree()));
    const again = join(parent, 'again');
    expect(writeTreeAtomic(r.tree, again, { force: false, state: r.state }).ok).toBe(true);
    expect(hashTree(again)).toEqual(hashTree(out));
  });

  it('reads hand-written trees: deprecated single-file lists, comments, dot entries', () => {
    mkdirSync(join(out, 'a'), { recursive: true });
    writeFileSync(join(out, 'a/type'), 'oneshot\n');
    writeFileSync(join(out, 'a/up'), 'true\n');
    writeFileSync(join(out, 'a/dependencies'), '# deps\n  b\n\nc\n\tb'); // repeated, last line without LF
    mkdirSync(join(out, 'b'));
    writeFileSync(join(out, 'b/type'), 'bundle');
    writeFileSync(join(out, 'b/contents'), 'c\n');
    mkdirSync(join(out, 'c/contents.d'), { recursive: true });
    writeFileSync(join(out, 'c/type'), 'bundle\n');
    writeFileSync(join(out, 'c/contents.d/.ignored'), '');
    mkdirSync(join(out, '.git'));
    writeFileSync(join(out, 'README'), 'not a definition\n');
    const r = readTree(out);
    expect(r.diagnostics).toEqual([]);
    expect([...r.tree.definitions.keys()]).toEqual(['a', 'b', 'c']);
    expect(r.tree.definitions.get('a')).toMatchObject({ type: 'oneshot', dependencies: ['b', 'c'], files: { up: { content: 'true\n' } } });
    expect(r.tree.definitions.get('b')).toMatchObject({ type: 'bundle', contents: ['c'] });
    expect(r.tree.definitions.get('c')).toMatchObject({ type: 'bundle', contents: [] });
  });

  it('reports a missing tree, a bad type and a binary file as diagnostics', () => {
    expect(readTree(join(parent, 'nothing')).diagnostics[0]!.code).toBe('tree-unreadable');
    mkdirSync(join(out, 'x'), { recursive: true });
    writeFileSync(join(out, 'x/type'), 'daemon\n');
    mkdirSync(join(out, 'y'));
    writeFileSync(join(out, 'y/type'), 'oneshot\n');
    writeFileSync(join(out, 'y/up'), Buffer.from([0x74, 0, 0x65]));
    const r = readTree(out);
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(['binary-file', 'tree-bad-type']);
    expect([...r.tree.definitions.keys()]).toEqual(['y']);
  });
});

describe('writeTreeAtomic on random trees (property)', () => {
  it('never throws; writes only trees that pass the validator and read back equal; else leaves nothing', async () => {
    const fc = (await import('fast-check')).default;
    const { checkTree } = await import('../../src/check/index.js');
    // Names drawn from a pool that includes every kind of trouble: slashes, dots, newlines, reserved prefixes.
    const name = fc.constantFrom('a', 'b', 'c', 'web-1', 's6rc-x', '.dot', '..', 'a/b', 'new\nline', 'sp ace', 'ü');
    const def = fc.record({
      name,
      type: fc.constantFrom<('oneshot' | 'longrun' | 'bundle')[]>('oneshot', 'longrun', 'bundle'),
      refs: fc.array(name, { maxLength: 3 }),
      body: fc.string({ maxLength: 20 }),
    });
    let n = 0;
    let okCount = 0;
    fc.assert(
      fc.property(fc.array(def, { maxLength: 5 }), (defs) => {
        const t = newTree();
        for (const d of defs) {
          const x = definition(d.name, d.type);
          if (d.type === 'bundle') x.contents = d.refs;
          else x.dependencies = d.refs;
          if (d.type === 'oneshot') x.files['up'] = { content: `"true" ${JSON.stringify(d.body)}\n` };
          if (d.type === 'longrun') x.files['run'] = { content: `#!/bin/sh\n# ${d.body}\n`, mode: 0o755 };
          t.definitions.set(d.name, x);
        }
        const dest = join(parent, `t${n++}`);
        const r = writeTreeAtomic(t, dest, { force: false });
        const left = readdirSync(parent).filter((e) => e.startsWith('.'));
        if (left.length > 0) return false;
        if (r.ok) okCount++;
        if (!r.ok) return !readdirSync(parent).includes(`t${n - 1}`);
        return checkTree(dest).ok && JSON.stringify([...readTree(dest).tree.definitions]) === JSON.stringify([...canonical(t).definitions]);
      }),
      { numRuns: 150 },
    );
    // Valid trees must make up a fair share of the runs, or the round-trip half proved nothing.
    expect(okCount).toBeGreaterThan(10);
  });
});
