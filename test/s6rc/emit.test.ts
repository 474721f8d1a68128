import { afterAll, describe, expect, it } from 'vitest';
import { STACK_ROWS } from '../support/stacks.js';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkTree } from '../../src/check/index.js';
import { planConversion } from '../../src/passes/index.js';
import { emitTree } from '../../src/s6rc/emit.js';
import type { S6Tree } from '../../src/s6rc/tree.js';
import { dep, host, result, svc } from '../passes/factory.js';

const o = (line: number) => ({ file: '/lib/systemd/system/web.service', line });
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Minimal writer for the test: the real one belongs to the CLI stage. */
function writeTree(tree: S6Tree): string {
  const out = mkdtempSync(join(tmpdir(), 's6m-emit-'));
  dirs.push(out);
  for (const d of tree.definitions.values()) {
    const base = join(out, d.name);
    mkdirSync(base, { recursive: true });
    writeFileSync(join(base, 'type'), `${d.type}\n`);
    if (d.type === 'bundle') mkdirSync(join(base, 'contents.d'));
    else mkdirSync(join(base, 'dependencies.d'));
    for (const n of d.dependencies) writeFileSync(join(base, 'dependencies.d', n), '');
    for (const n of d.contents) writeFileSync(join(base, 'contents.d', n), '');
    for (const [path, f] of Object.entries(d.files)) {
      mkdirSync(dirname(join(base, path)), { recursive: true });
      writeFileSync(join(base, path), f.content, { mode: f.mode ?? 0o644 });
    }
  }
  return out;
}

function webUnit() {
  return svc('web', {
    format: 'systemd',
    startIn: ['multi-user'],
    wrapper: { kind: 'longrun', run: ['/usr/bin/web', '--port', '8080', 'a b'] },
    run: {
      env: { LANG: { value: 'C.UTF-8', origin: o(3) }, EMPTY: { value: '', origin: o(4) }, MULTI: { value: 'a\nb', origin: o(5) } },
      envFiles: [{ path: '/etc/default/web', optional: true, syntax: 'envfile', origin: o(6) }],
      user: { name: 'www-data', origin: o(7) },
      group: { name: 'web', origin: o(8) },
      workdir: { path: '/srv/web', origin: o(9) },
      umask: { value: '027', origin: o(10) },
      limits: { value: { o: '4096' }, origin: o(11) },
      stopSignal: { name: 'INT', origin: o(12) },
      timeoutStart: { ms: 90000, origin: o(13) },
      timeoutStop: { ms: 5000, origin: o(14) },
    },
  });
}

describe('emitTree', () => {
  it('oneshot: up and down are one execline line each; several commands are chained', () => {
    const s = svc('mnt', { wrapper: { kind: 'oneshot', up: [['/bin/mkdir', '-p', '/mnt/x'], ['/bin/mount', '-t', 'tmpfs', 'tmpfs', '/mnt/x']], down: [['/bin/umount', '/mnt/x']] } });
    const def = emitTree([{ ...s, s6Dependencies: [] }], host()).tree.definitions.get('mnt')!;
    expect(def.type).toBe('oneshot');
    expect(def.files['up']!.content).toBe('if { "/bin/mkdir" "-p" "/mnt/x" } "/bin/mount" "-t" "tmpfs" "tmpfs" "/mnt/x"\n');
    expect(def.files['down']!.content).toBe('"/bin/umount" "/mnt/x"\n');
    expect(def.files['timeout-up']).toBeUndefined();
  });

  it('a unit\'s oneshot commands get its state; an init script\'s wrapper does not; a group alone is reported', () => {
    const run = { env: { A: { value: 'x y', origin: o(1) } }, envFiles: [], workdir: { path: '/srv', origin: o(2) }, user: { name: 'www', origin: o(3) } };
    const unit = svc('job', { format: 'systemd', run, wrapper: { kind: 'oneshot', up: [['/bin/a', '$A'], ['/bin/b']], down: [['/bin/c']], unitCommands: { up: [{ expandVariables: true }, { privileged: true }], down: [{}] } } });
    const script = svc('scr', { format: 'sysv', run, wrapper: { kind: 'oneshot', up: [['/etc/init.d/scr', 'start']], down: [] } });
    const grouped = svc('grp', { format: 'systemd', run: { env: {}, envFiles: [], group: { name: 'adm', origin: o(4) } }, wrapper: { kind: 'oneshot', up: [['/bin/g']], down: [], unitCommands: { up: [{}], down: [] } } });
    const { tree, diagnostics } = emitTree([unit, script, grouped], host());
    expect(tree.definitions.get('job')!.files['up']!.content).toBe(
      'if { "export" "A" "x y" "cd" "/srv" "s6-setuidgid" "www" "/bin/sh" "-c" "set -f; exec \'/bin/a\' $A" } "export" "A" "x y" "cd" "/srv" "/bin/b"\n');
    expect(tree.definitions.get('job')!.files['down']!.content).toBe('"export" "A" "x y" "cd" "/srv" "s6-setuidgid" "www" "/bin/c"\n');
    expect(tree.definitions.get('scr')!.files['up']!.content).toBe('"/etc/init.d/scr" "start"\n');
    expect(tree.definitions.get('grp')!.files['up']!.content).toBe('"/bin/g"\n');
    expect(diagnostics.filter((d) => d.code === 'group-not-applied').map((d) => d.service)).toEqual(['grp']);
  });

  it('a `+`/`!` ExecStart longrun keeps root, as systemd runs it whatever User= says', () => {
    const run = { env: {}, envFiles: [], user: { name: 'www', origin: o(3) } };
    const { tree } = emitTree([
      svc('plain', { format: 'systemd', run, wrapper: { kind: 'longrun', run: ['/bin/d'] } }),
      svc('priv', { format: 'systemd', run, wrapper: { kind: 'longrun', run: ['/bin/d'], privileged: true } }),
    ], host());
    expect(tree.definitions.get('plain')!.files['run']!.content).toContain('"s6-setuidgid" "www"');
    expect(tree.definitions.get('priv')!.files['run']!.content).not.toContain('s6-setuidgid');
  });

  it('oneshot without stop commands has no down file', () => {
    const def = emitTree([svc('a', { wrapper: { kind: 'oneshot', up: [['/bin/true']], down: [] } })], host()).tree.definitions.get('a')!;
    expect(Object.keys(def.files)).toEqual(['up']);
  });

  it('longrun: run script, env files, down-signal, timeouts; unfaithful env values refused', () => {
    const { tree, diagnostics } = emitTree([webUnit()], host());
    const def = tree.definitions.get('web')!;
    expect(def.type).toBe('longrun');
    expect(def.files['run']!.mode).toBe(0o755);
    expect(def.files['run']!.content).toBe([
      '#!/usr/bin/execlineb -P',
      '"s6-envdir" "./env"',
      '"envfile" "-I" "/etc/default/web"',
      '"cd" "/srv/web"',
      '"umask" "027"',
      '"s6-softlimit" "-o" "4096"',
      // User= and Group= both apply: s6-setuidgid would take www-data's own group instead.
      '"s6-envuidgid" "www-data" "s6-envuidgid" "-g" "web" "s6-applyuidgid" "-z" "-U" "/usr/bin/web" "--port" "8080" "a b"',
      '',
    ].join('\n'));
    expect(def.files['env/LANG']!.content).toBe('C.UTF-8\n');
    expect(def.files['env/EMPTY']).toBeUndefined();
    expect(def.files['env/MULTI']).toBeUndefined();
    expect(def.files['down-signal']!.content).toBe('INT\n');
    expect(def.files['timeout-up']!.content).toBe('90000\n');
    expect(def.files['timeout-down']!.content).toBe('5000\n');
    const refused = diagnostics.filter((d) => d.code === 'env-refused');
    expect(refused.map((d) => d.line)).toEqual([4, 5]);
    expect(refused[0]!.message).toContain('unsets');
    expect(diagnostics.find((d) => d.code === 'group-not-applied')).toBeUndefined();
  });

  it('numeric users: uid with gid through s6-applyuidgid; a bare uid refuses the service instead of running it as root', () => {
    const numeric = (name: string, group?: string) => {
      const s = webUnit();
      s.name = name;
      s.run.user = { name: '1000', origin: { file: 'u', line: 1 } };
      if (group) s.run.group = { name: group, origin: { file: 'u', line: 2 } };
      else delete s.run.group;
      return s;
    };
    const { tree, diagnostics } = emitTree([numeric('both', '1000'), numeric('bare')], host());
    expect(tree.definitions.get('both')!.files['run']!.content).toContain('"s6-applyuidgid" "-u" "1000" "-g" "1000" "-G" ""');
    expect(tree.definitions.has('bare')).toBe(false);
    expect(diagnostics.find((d) => d.service === 'bare')!.message).toContain('numeric user 1000');
  });

  it('every text file ends with LF', () => {
    const plan = planConversion([result([webUnit(), svc('mnt', { startIn: ['runlevel-2'] })])]);
    for (const d of plan.tree.definitions.values()) {
      for (const [path, f] of Object.entries(d.files)) if (f.content !== '') expect(f.content.endsWith('\n'), `${d.name}/${path}`).toBe(true);
    }
  });

  it('an argument no program can receive: that service is skipped with an error, its dependents lose the edge', () => {
    const bad = svc('bad', { startIn: ['runlevel-2'], wrapper: { kind: 'oneshot', up: [['/bin/x', 'a\0b']], down: [] } });
    const plan = planConversion([result([bad, svc('good', { startIn: ['runlevel-2'], deps: [dep('requires', 'bad')] })])]);
    expect(plan.tree.definitions.has('bad')).toBe(false);
    expect(plan.tree.definitions.get('good')!.dependencies).toEqual([]);
    expect(plan.tree.definitions.get('runlevel-2')!.contents).toEqual(['good']);
    const err = plan.diagnostics.find((d) => d.code === 'unsafe-argument')!;
    expect(err.severity).toBe('error');
    expect(err.service).toBe('bad');
  });

  it('definitions are in byte order', () => {
    const plan = planConversion([result(['b', 'a', 'C'].map((n) => svc(n, { startIn: ['runlevel-2'] })))]);
    const names = [...plan.tree.definitions.keys()];
    expect(names).toEqual([...names].sort());
  });
});


describe('the emitted tree passes check', () => {
  it('a mixed host: sysv, systemd, facilities, provides, cycles, odd names, unconvertible services', () => {
    const dir = writeTree(mixedHost().tree);
    const verdict = checkTree(dir);
    expect(verdict.diagnostics).toEqual([]);
    expect(verdict.ok).toBe(true);
  });

  it.each(STACK_ROWS)('and the real s6-rc-compile accepts it [s6-rc %s]', (_v, stack) => {
    const dir = writeTree(mixedHost().tree);
    const dest = join(mkdtempSync(join(tmpdir(), 's6m-db-')), 'db');
    dirs.push(dirname(dest));
    const r = spawnSync(stack.tool('s6-rc-compile'), [dest, dir], { encoding: 'utf8', env: stack.env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

function mixedHost() {
    const ins = { file: '/etc/insserv.conf', line: 1 };
    return planConversion([
      result([
        svc('networking', { startIn: ['runlevel-S'] }),
        svc('rsyslog', { startIn: ['runlevel-2'], provides: ['syslog'] }),
        svc('ssh', { startIn: ['runlevel-2'], deps: [dep('requires', 'network', { facility: true }), dep('wants', 'syslog', { facility: true }), dep('before', 'cron')] }),
        svc('cron', { startIn: ['runlevel-2'], deps: [dep('requires', 'ghost'), dep('requires', 'time', { facility: true })] }),
        svc('s6rc-evil', { startIn: ['runlevel-2'] }),
        svc('.hidden', { startIn: ['runlevel-2'] }),
        svc('x', { deps: [dep('requires', 'y')] }),
        svc('y', { deps: [dep('requires', 'x')] }),
        svc('nowrap', { wrapper: null, startIn: ['runlevel-2'] }),
      ], host({ facilityMembers: { network: [{ name: 'networking', optional: false, origin: ins }] } })),
      result([webUnit(), svc('ssh', { format: 'systemd', startIn: ['multi-user'] })]),
    ]);
}

