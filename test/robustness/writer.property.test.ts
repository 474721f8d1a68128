/**
 * Property: any model the importers could hand over (hostile names, hostile argv words, dependencies on
 * nothing, cycles, odd bundles and run facts) goes through the passes and the writer without an exception,
 * and the tree written to disk is one s6-rc-compile accepts: the validator says ok, the structure is sound,
 * and a sample is compiled for real with s6-rc-compile.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { planConversion } from '../../src/passes/index.js';
import { checkTree } from '../../src/check/index.js';
import { compileWithS6rc } from '../../src/check/compile.js';
import { describeStacks } from '../support/stacks.js';
import { formatDiagnostic } from '../../src/model/diagnostic.js';
import { RESERVED_PREFIXES } from '../../src/model/naming.js';
import type { DepKind, DepRef, Evidence, HostFacts, ImportResult, Service, SourceFormat } from '../../src/model/service.js';
import type { S6Tree } from '../../src/s6rc/tree.js';
import { writeTreeAtomic } from '../../src/s6rc/serialize.js';
import { tempDir, withTempRoot, writeRoot } from './helpers.js';
import { importSysv } from '../../importers/sysv/index.js';
import { importSystemd } from '../../importers/systemd/index.js';
import { importOpenrc } from '../../importers/openrc/index.js';
import { mutate, mutations, openrcScript, structuredSysvScript, structuredUnit } from './generators.js';

/** Names chosen to collide after cleaning, hit reserved prefixes, or shadow bundles the passes create. */
const NAME_POOL = ['ssh', 'cron', 'a/b', 'a_b', '..', '.', '.hidden', 'svc-.hidden', 's6rc-x', 's6-rc-y', 'svc-s6rc-x', 'default', 'svc-default', 'network', 'local-fs', 'runlevel-2', 'runlevel-default', 'multi-user', 'a\nb', 'a_b', '', ' ', 'é', 'x'.repeat(300), 'a b', '-dash', '$x', 'a;b', '"q"', 'a\tb', 'foo@bar', 'net', '$network', 'syslog'];
const nameArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...NAME_POOL) }, { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', '/', '.', '\n', '-', 's', '6', 'r', 'c', 'é', ' '), maxLength: 8 }) });

/** Argv words with everything a shell or execline would reinterpret. */
const wordArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('/usr/sbin/d', '', ' ', '$HOME', '${x}', ';', '"', "'", '\\', '{', '}', '#', '\n', 'a b', '--', '-f', 'é', '`id`', '$@', 'if', 'foreground', '}{', '\\n', '\t') },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('$', ';', '"', "'", '\\', '{', '}', '#', '\n', ' ', 'a', 'é', '\0'), maxLength: 10 }) },
);
const argvArb = fc.array(wordArb, { minLength: 0, maxLength: 5 });

const FACILITIES = ['network', 'local-fs', 'remote-fs', 'syslog', 'time', 'named', 'portmap', 'nonexistent-facility'];
const depArb = (file: string) =>
  fc.record({
    kind: fc.constantFrom<DepKind>('requires', 'wants', 'after', 'before', 'conflicts'),
    facility: fc.boolean(),
    target: nameArb,
    fac: fc.constantFrom(...FACILITIES),
    phase: fc.constantFrom<'start' | 'stop' | undefined>(undefined, 'start', 'stop'),
    line: fc.integer({ min: 1, max: 50 }),
  }).map((d): DepRef => {
    const r: DepRef = { kind: d.kind, target: d.facility ? d.fac : d.target, facility: d.facility, origin: { file, line: d.line } };
    if (d.phase) r.phase = d.phase;
    return r;
  });

const BUNDLES = ['runlevel-2', 'runlevel-S', 'runlevel-default', 'runlevel-boot', 'multi-user', 'graphical', 'default', 's6rc-bad', 'a/b', '.x', ''];

function evidence(format: SourceFormat, file: string, name: string, target: boolean): Evidence {
  if (format === 'systemd') {
    const unitType = target ? 'target' : 'service';
    return { format, file, systemPath: file, unit: `${name}.${unitType}`, unitType, dropIns: [], execStart: [], execStartPre: [], execStartPost: [], execStop: [], execStopPost: [], execReload: [], remainAfterExit: false, directives: {} };
  }
  if (format === 'openrc') return { format, file, systemPath: file, vars: {}, functions: [], keywords: [] };
  return { format, file, systemPath: file, hasLsbHeader: true, interactive: false, ssdStarts: [] };
}

const serviceArb: fc.Arbitrary<Service> = fc
  .record({
    name: nameArb,
    format: fc.constantFrom<SourceFormat>('sysv', 'openrc', 'systemd'),
    target: fc.boolean(),
    wrapper: fc.oneof(
      fc.record({ kind: fc.constant('oneshot' as const), up: fc.array(argvArb, { maxLength: 3 }), down: fc.array(argvArb, { maxLength: 2 }) }),
      fc.record({ kind: fc.constant('longrun' as const), run: argvArb }),
      fc.constant(undefined),
    ),
    provides: fc.array(nameArb, { maxLength: 2 }),
    startIn: fc.array(fc.constantFrom(...BUNDLES), { maxLength: 3 }),
    env: fc.dictionary(fc.constantFrom('A', 'PATH', 'a=b', '.x', 'x/y', '', 'É', 'SP ACE'), wordArb, { maxKeys: 3 }),
    user: fc.option(fc.constantFrom('root', 'nobody', 'www-data', 'a b', '', '$u', 'é', '-x'), { nil: undefined }),
    group: fc.option(fc.constantFrom('root', 'nogroup', 'a b'), { nil: undefined }),
    workdir: fc.option(fc.constantFrom('/', '/var/lib/x', 'rel/path', '/a b', '/$x', '', '/a\nb'), { nil: undefined }),
    umask: fc.option(fc.constantFrom('022', '0027', 'u=rwx', '', '9', 'x y'), { nil: undefined }),
    limits: fc.option(fc.dictionary(fc.constantFrom('o', 'c', 'd', 'Z', ''), fc.constantFrom('1024', 'unlimited', 'infinity', '-1', '', 'x y')), { nil: undefined }),
    stopSignal: fc.option(fc.constantFrom('TERM', 'INT', 'HUP', 'KILL', 'FOO', '', '9', 'TERM\nX', 'SIGTERM'), { nil: undefined }),
    timeoutStart: fc.option(fc.oneof(fc.integer({ min: -5, max: 10_000_000_000 }), fc.constantFrom(0, 0.4, 1.5, Number.NaN, Infinity)), { nil: undefined }),
    timeoutStop: fc.option(fc.integer({ min: 0, max: 5_000_000_000 }), { nil: undefined }),
    depsSeed: fc.nat(),
  })
  .chain((r) => {
    const file = r.format === 'systemd' ? `/lib/systemd/system/${r.name}.service` : `/etc/init.d/${r.name}`;
    return fc.array(depArb(file), { maxLength: 5 }).map((deps): Service => {
      const origin = { file, line: 1 };
      const s: Service = {
        name: r.name,
        format: r.format,
        provides: r.provides,
        deps,
        startIn: r.startIn,
        run: { env: Object.fromEntries(Object.entries(r.env).map(([k, v]) => [k, { value: v, origin }])), envFiles: [] },
        sources: [evidence(r.format, file, r.name, r.format === 'systemd' && r.target && r.depsSeed % 4 === 0)],
        findings: [],
      };
      if (r.wrapper) s.wrapper = r.wrapper;
      if (r.user !== undefined) s.run.user = { name: r.user, origin };
      if (r.group !== undefined) s.run.group = { name: r.group, origin };
      if (r.workdir !== undefined) s.run.workdir = { path: r.workdir, origin };
      if (r.umask !== undefined) s.run.umask = { value: r.umask, origin };
      if (r.limits !== undefined) s.run.limits = { value: r.limits, origin };
      if (r.stopSignal !== undefined) s.run.stopSignal = { name: r.stopSignal, origin };
      if (r.timeoutStart !== undefined) s.run.timeoutStart = { ms: r.timeoutStart, origin };
      if (r.timeoutStop !== undefined) s.run.timeoutStop = { ms: r.timeoutStop, origin };
      if (r.depsSeed % 3 === 0) s.run.envFiles.push({ path: r.depsSeed % 2 ? '/etc/default/x' : '/etc/a b', optional: r.depsSeed % 5 === 0, syntax: r.depsSeed % 7 === 0 ? 'envfile' : 'shell', origin });
      return s;
    });
  });

const hostArb: fc.Arbitrary<HostFacts> = fc.record({
  members: fc.dictionary(fc.constantFrom(...FACILITIES, '$all', 'x-custom'), fc.array(fc.record({ name: nameArb, optional: fc.boolean() }), { maxLength: 2 }), { maxKeys: 3 }),
  defaults: fc.option(fc.array(fc.constantFrom(...BUNDLES), { maxLength: 2 }), { nil: undefined }),
}).map(({ members, defaults }) => {
  const h: HostFacts = { facilityMembers: {} };
  for (const [k, ms] of Object.entries(members)) h.facilityMembers[k] = ms.map((m) => ({ ...m, origin: { file: '/etc/insserv.conf', line: 1 } }));
  if (defaults) h.defaultBundles = { bundles: defaults, origin: { file: '/etc/inittab', line: 1 } };
  return h;
});

/** Several importer results (one per format, as the CLI hands them over). */
const importsArb: fc.Arbitrary<ImportResult[]> = fc.array(fc.tuple(fc.array(serviceArb, { maxLength: 8 }), hostArb), { minLength: 1, maxLength: 3 }).map((rs) =>
  rs.map(([services, host]) => ({ services, host, diagnostics: [] })),
);

/** The writer loop the CLI will use: one directory per definition, empty files in dependencies.d/contents.d. */
function writeTree(tree: S6Tree, dir: string): void {
  for (const def of tree.definitions.values()) {
    const d = join(dir, def.name);
    mkdirSync(d);
    writeFileSync(join(d, 'type'), `${def.type}\n`);
    if (def.dependencies.length > 0) mkdirSync(join(d, 'dependencies.d'));
    for (const x of def.dependencies) writeFileSync(join(d, 'dependencies.d', x), '');
    if (def.type === 'bundle') mkdirSync(join(d, 'contents.d'));
    for (const x of def.contents) writeFileSync(join(d, 'contents.d', x), '');
    for (const [rel, f] of Object.entries(def.files)) {
      mkdirSync(dirname(join(d, rel)), { recursive: true });
      writeFileSync(join(d, rel), f.content, { mode: f.mode ?? 0o644 });
    }
  }
}

/** Structural invariants independent of the validator. */
function structuralViolations(tree: S6Tree): string[] {
  const bad: string[] = [];
  const defs = tree.definitions;
  for (const [name, def] of defs) {
    if (name !== def.name) bad.push(`map key ${JSON.stringify(name)} != definition name ${JSON.stringify(def.name)}`);
    if (name === '' || name.includes('/') || name.includes('\n') || name.startsWith('.') || RESERVED_PREFIXES.some((p) => name.startsWith(p)) || Buffer.byteLength(name) > 255) {
      bad.push(`invalid s6-rc name ${JSON.stringify(name)}`);
    }
    for (const x of [...def.dependencies, ...def.contents]) if (!defs.has(x)) bad.push(`${name} refers to missing ${JSON.stringify(x)}`);
    if (def.type === 'bundle' && def.dependencies.length > 0) bad.push(`bundle ${name} has dependencies`);
    if (def.type !== 'bundle' && def.contents.length > 0) bad.push(`${def.type} ${name} has contents`);
    for (const rel of Object.keys(def.files)) if (rel.split('/').some((p) => p === '' || p === '.' || p === '..')) bad.push(`${name}: bad file path ${JSON.stringify(rel)}`);
  }
  // Cycle check over the full graph s6-rc sees: dependencies, and bundles expanded to their atoms.
  const state = new Map<string, 1 | 2>();
  const visit = (n: string, path: string[]): void => {
    if (state.get(n) === 2) return;
    if (state.get(n) === 1) {
      bad.push(`cycle: ${[...path, n].join(' -> ')}`);
      return;
    }
    state.set(n, 1);
    const def = defs.get(n);
    for (const x of def ? [...def.dependencies, ...def.contents] : []) visit(x, [...path, n]);
    state.set(n, 2);
  };
  for (const n of defs.keys()) visit(n, []);
  return bad;
}

function plan(results: ImportResult[]) {
  try {
    return { plan: planConversion(results) };
  } catch (e) {
    return { error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
}

describe('passes and writer on random models', () => {
  it('never throw, and every written tree passes check and the structural invariants', () => {
    fc.assert(
      fc.property(importsArb, (results) => {
        const r = plan(results);
        expect(r.error).toBeUndefined();
        const tree = r.plan!.tree;
        expect(structuralViolations(tree)).toEqual([]);
        const dir = tempDir('writer');
        try {
          const out = join(dir, 'src');
          // The CLI's writer: validates in a temporary directory and renames into place.
          const written = writeTreeAtomic(tree, out, { force: false });
          expect(written.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
          expect(written.ok).toBe(true);
          const checked = checkTree(out);
          expect(checked.diagnostics.map(formatDiagnostic)).toEqual([]);
          expect(checked.ok).toBe(true);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: Number(process.env.S6M_FC_RUNS ?? 200) },
    );
  });

  it('every diagnostic names a file; a service dropped for a name collision is reported', () => {
    fc.assert(
      fc.property(importsArb, (results) => {
        const { plan: p } = plan(results);
        for (const d of p!.diagnostics) expect(d.file, JSON.stringify(d)).not.toBe('');
        // Two distinct input names that clean to the same s6-rc name: one of them must be reported, unless
        // the merge pass already folded one into another service (a unit aliased to a script's name).
        const all = results.flatMap((x) => x.services);
        const mergedAway = (name: string) =>
          all.filter((s) => s.name === name).every((s) => p!.diagnostics.some((d) => d.code === 'merge-winner' && d.message.includes(`over ${s.sources[0]!.file} `)));
        const names = new Set(all.map((s) => s.name));
        if (names.has('a/b') && names.has('a_b') && !mergedAway('a/b') && !mergedAway('a_b')) {
          expect(p!.diagnostics.some((d) => d.code === 'name-collision' || d.code === 'name-cleaned')).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('no service is lost silently: each input name is in the tree, or a diagnostic is about it', () => {
    fc.assert(
      fc.property(importsArb, (results) => {
        const { plan: p } = plan(results);
        const about = new Set(p!.diagnostics.map((d) => d.service).filter((x): x is string => x !== undefined));
        // A merged source (a unit aliased to a script's name) is named by its file in the merge note.
        const mentioned = (n: string, file: string) =>
          about.has(n) || p!.diagnostics.some((d) => d.message.includes(JSON.stringify(n)) || (n !== '' && d.message.includes(`${n}:`)) || d.message.includes(file));
        const lost: string[] = [];
        for (const s of results.flatMap((r) => r.services)) {
          if (!s.wrapper) continue;
          if (s.sources[0]?.format === 'systemd' && (s.sources[0] as { unitType?: string }).unitType === 'target') continue;
          if (!p!.tree.definitions.has(s.name) && !mentioned(s.name, s.sources[0]!.file)) lost.push(s.name);
        }
        expect(lost).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('same input, same tree (deterministic)', () => {
    fc.assert(
      fc.property(importsArb, (results) => {
        const a = plan(structuredClone(results)).plan!;
        const b = plan(structuredClone(results)).plan!;
        const dump = (t: S6Tree) => JSON.stringify([...t.definitions.values()]);
        expect(dump(a.tree)).toBe(dump(b.tree));
      }),
      { numRuns: 50 },
    );
  });
});

/** A host with a few generated scripts and units, as the importers really return them. */
const hostArbFiles = fc.record({
  sysv: fc.array(fc.tuple(fc.constantFrom('ssh', 'cron', 'a b', '.x', 's6rc-y', 'default', 'network', 'é'), structuredSysvScript, mutations(3)), { maxLength: 4 }),
  units: fc.array(fc.tuple(fc.constantFrom('ssh', 'web', 'x@', 'y@i', 'default', 's6-rc-z', 'multi-user'), fc.constantFrom('.service', '.target'), structuredUnit, mutations(3)), { maxLength: 4 }),
  openrc: fc.array(fc.tuple(fc.constantFrom('net.lo', 'sshd', 'cron', 'z'), openrcScript), { maxLength: 2 }),
});

type HostFiles = typeof hostArbFiles extends fc.Arbitrary<infer T> ? T : never;

function importGenerated(root: string, h: HostFiles): ImportResult[] {
  const files: Record<string, string> = {};
  for (const [n, text, m] of h.sysv) files[`etc/init.d/${n}`] = mutate(text, m);
  for (const [n, t, text, m] of h.units) files[`lib/systemd/system/${n}${t}`] = mutate(text, m);
  const openrcNames: string[] = [];
  for (const [n, text] of h.openrc) {
    if (files[`etc/init.d/${n}`] === undefined) {
      files[`etc/init.d/${n}`] = text;
      openrcNames.push(n);
    }
  }
  writeRoot(root, files);
  const sysvFiles = Object.keys(files).filter((f) => f.startsWith('etc/init.d/') && !openrcNames.includes(f.slice(11))).map((f) => join(root, f));
  const unitFiles = Object.keys(files).filter((f) => f.startsWith('lib/')).map((f) => join(root, f));
  return [
    importSysv({ root, files: sysvFiles }),
    importSystemd({ root, files: unitFiles }),
    // The OpenRC reader is guarded: a throw here is reported by importers.property.test.ts.
    ...(() => {
      try {
        return [importOpenrc({ root, files: openrcNames.map((n) => join(root, 'etc/init.d', n)) })];
      } catch {
        return [];
      }
    })(),
  ];
}

describe('importers -> passes -> writer on generated hosts', () => {
  it('what the importers return always converts to a tree that passes check', () => {
    fc.assert(
      fc.property(hostArbFiles, (h) => {
        withTempRoot('e2e', (root) => {
          const results = importGenerated(root, h);
          const r = plan(results);
          expect(r.error).toBeUndefined();
          expect(structuralViolations(r.plan!.tree)).toEqual([]);
          const out = join(root, '..', `${root.split('/').pop()}-out`);
          try {
            const written = writeTreeAtomic(r.plan!.tree, out, { force: false });
            expect(written.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
            expect(written.ok).toBe(true);
          } finally {
            rmSync(out, { recursive: true, force: true });
          }
        });
      }),
      { numRuns: Number(process.env.S6M_FC_RUNS ?? 100) },
    );
  });
});

describeStacks('real s6-rc-compile on generated trees', (stack) => {
  it('compiles a sample of generated trees (written by the simple loop and by writeTreeAtomic)', () => {
    let compiled = 0;
    fc.assert(
      fc.property(importsArb, (results) => {
        const { plan: p } = plan(results);
        const dir = tempDir('compile');
        try {
          const loop = join(dir, 'loop');
          mkdirSync(loop);
          writeTree(p!.tree, loop);
          const atomic = join(dir, 'atomic');
          expect(writeTreeAtomic(p!.tree, atomic, { force: false }).ok).toBe(true);
          for (const out of [loop, atomic]) {
            const r = compileWithS6rc(out, { path: stack.path });
            expect(r.output).toBe(r.ok ? r.output : '(compile succeeds)');
            expect(r.ok).toBe(true);
          }
          compiled++;
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 25 },
    );
    expect(compiled).toBe(25);
  });

  it('compiles trees converted from generated hosts', () => {
    fc.assert(
      fc.property(hostArbFiles, (h) => {
        withTempRoot('e2e-compile', (root) => {
          const { plan: p } = plan(importGenerated(root, h));
          const out = join(root, '..', `${root.split('/').pop()}-out`);
          try {
            expect(writeTreeAtomic(p!.tree, out, { force: false }).ok).toBe(true);
            const r = compileWithS6rc(out, { path: stack.path });
            expect(r.output).toBe(r.ok ? r.output : '(compile succeeds)');
          } finally {
            rmSync(out, { recursive: true, force: true });
          }
        });
      }),
      { numRuns: 15 },
    );
  });
});
