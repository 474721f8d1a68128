import { accountEnvCommand, groupCleanupFinish } from '../../src/s6rc/run-script.js';
import { execlineLine } from '../../src/s6rc/execline.js';
import { describe, expect, it } from 'vitest';
import { definition, newTree, type S6Tree } from '../../src/s6rc/tree.js';
import { emptyState, renderState } from '../../src/state/state.js';
import { downgrade, pendingServices, trackedServices, unloggedLongruns, upgrade, type Workspace } from '../../src/upgrade/upgrade.js';
import { loggerRunScript } from '../../src/upgrade/longrun.js';
import { service, ssd, sysv, unit } from './build.js';

/** The run script's first lines after fdmove: its pid, the daemon's process group, for finish. */
const PGID = `"getpid" "S6M_RUN_PID"\nforeground { "/bin/sh" "-c" "echo \\"$S6M_RUN_PID\\" > \\"$1\\"" "sh" "./run-pgid" }\n"unexport" "?"\n"unexport" "S6M_RUN_PID"\n`;
import type { Service } from '../../src/model/service.js';

function baseTree(): S6Tree {
  const t = newTree();
  const foo = definition('foo', 'oneshot');
  foo.dependencies = ['network'];
  foo.files['up'] = { content: '"/etc/init.d/foo" "start"\n' };
  foo.files['down'] = { content: '"/etc/init.d/foo" "stop"\n' };
  const bar = definition('bar', 'oneshot');
  bar.dependencies = ['foo'];
  bar.files['up'] = { content: '"/etc/init.d/bar" "start"\n' };
  const net = definition('network', 'bundle');
  const lfs = definition('local-fs', 'bundle');
  const rl = definition('runlevel-2', 'bundle');
  rl.contents = ['bar', 'foo'];
  for (const d of [bar, foo, lfs, net, rl]) t.definitions.set(d.name, d);
  return t;
}

function fooService(extra: Partial<Service> = {}): Service {
  return service('foo', [sysv('foo', [ssd({ exec: '/usr/sbin/food', background: true, args: ['-c', '/etc/foo.conf'] })])], extra);
}

function ws(s: Service = fooService()): Workspace {
  return { tree: baseTree(), model: { version: 1, services: [s], host: { facilityMembers: {} } }, state: emptyState() };
}

describe('upgrade to a logged pipeline', () => {
  it('replaces the oneshot with NAME-srv and NAME-log; bundles and dependents are untouched', () => {
    const before = ws();
    const r = upgrade(before, 'foo', { log: true }, false);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const t = r.ws.tree;
    expect(t.definitions.has('foo')).toBe(false);
    const srv = t.definitions.get('foo-srv')!;
    const log = t.definitions.get('foo-log')!;
    expect(srv.type).toBe('longrun');
    expect(srv.dependencies).toEqual(['network']);
    expect(srv.files['producer-for']!.content).toBe('foo-log\n');
    expect(srv.files['run']!.content).toBe(`#!/usr/bin/execlineb -P\n"fdmove" "-c" "2" "1"\n${PGID}"cd" "/"\n"/usr/sbin/food" "-c" "/etc/foo.conf"\n`);
    // Its process group is killed when it dies (test/e2e/finish-group.test.ts runs it).
    expect(srv.files['finish']!.content).toBe(groupCleanupFinish('run-pgid'));
    expect(log.files['consumer-for']!.content).toBe('foo-srv\n');
    expect(log.files['pipeline-name']!.content).toBe('foo\n');
    expect(log.files['notification-fd']!.content).toBe('3\n');
    expect(log.dependencies).toEqual(['local-fs']);
    expect(log.files['run']!.content).toContain('"s6-log" "-d3" "--" "t" "s1048576" "n10" "/var/log/s6migrate/foo"');
    expect(t.definitions.get('bar')).toEqual(before.tree.definitions.get('bar'));
    expect(t.definitions.get('runlevel-2')).toEqual(before.tree.definitions.get('runlevel-2'));
    expect(r.ws.state.services['foo']).toMatchObject({ stage: 'longrun', log: true, evidence: 'ssd-background', confidence: 'high', logDir: '/var/log/s6migrate/foo' });
  });

  it('--no-log keeps a single longrun named NAME without fdmove', () => {
    const r = upgrade(ws(), 'foo', { log: false }, false);
    if (!r.ok) throw new Error(r.reason);
    const foo = r.ws.tree.definitions.get('foo')!;
    expect(foo.type).toBe('longrun');
    expect(foo.files['producer-for']).toBeUndefined();
    expect(foo.files['run']!.content).not.toContain('fdmove');
    expect(r.ws.tree.definitions.has('foo-log')).toBe(false);
  });

  it('carries user:group, env, env files, workdir, umask, limits, stop signal and kill timeout', () => {
    const o = { file: '/etc/init.d/foo', line: 3 };
    const s = fooService({
      run: {
        user: { name: 'food', origin: o }, group: { name: 'daemon', origin: o },
        env: { LANG: { value: 'C', origin: o }, BAD: { value: 'trailing ', origin: o } },
        envFiles: [{ path: '/etc/default/foo', optional: true, syntax: 'shell', origin: o }],
        workdir: { path: '/var/lib/foo', origin: o }, umask: { value: '027', origin: o },
        limits: { value: { o: '4096' }, origin: o }, stopSignal: { name: 'SIGINT', origin: o }, timeoutStop: { ms: 30000, origin: o },
      },
    });
    const r = upgrade(ws(s), 'foo', { log: true }, false);
    if (!r.ok) throw new Error(r.reason);
    const srv = r.ws.tree.definitions.get('foo-srv')!;
    const run = srv.files['run']!.content;
    expect(run).toContain('"s6-envdir" "./env"');
    expect(run).toContain('"cd" "/var/lib/foo"');
    expect(run).toContain('"umask" "027"');
    expect(run).toContain('"s6-softlimit" "-o" "4096"');
    expect(run).toContain('"s6-envuidgid" "food" "s6-envuidgid" "-g" "daemon" "s6-applyuidgid" "-z" "-U" "/usr/sbin/food"');
    expect(srv.files['env/LANG']!.content).toBe('C\n');
    expect(srv.files['env/BAD']).toBeUndefined();
    expect(srv.files['down-signal']!.content).toBe('INT\n');
    expect(srv.files['timeout-kill']!.content).toBe('30000\n');
    expect(r.proposal.plan.notCarried.join(' ')).toMatch(/BAD/);
  });

  it('a low-confidence proposal is refused without --yes and accepted with it', () => {
    const s = service('vsftpd', [sysv('vsftpd', [ssd({ exec: '/usr/sbin/vsftpd' })])]);
    const w = ws(s);
    w.tree.definitions.set('vsftpd', { ...w.tree.definitions.get('foo')!, name: 'vsftpd' });
    const r = upgrade(w, 'vsftpd', { log: true }, false);
    expect(r.ok ? 'ok' : r.code).toBe('low-confidence');
    expect(upgrade(w, 'vsftpd', { log: true }, true).ok).toBe(true);
  });

  it('Type=notify keeps no readiness file and timeouts only apply with readiness', () => {
    const s = service('foo', [unit('foo', 'notify', ['/usr/sbin/food', '-f'])]);
    const r = upgrade(ws(s), 'foo', { log: true }, false);
    if (!r.ok) throw new Error(r.reason);
    expect(r.ws.tree.definitions.get('foo-srv')!.files['notification-fd']).toBeUndefined();
    expect(r.proposal.fg.readiness.notCarried[0]).toMatch(/sd_notify/);
  });

  it('refuses when NAME-srv is already taken', () => {
    const w = ws();
    w.tree.definitions.set('foo-srv', definition('foo-srv', 'oneshot'));
    const r = upgrade(w, 'foo', { log: true }, false);
    expect(r.ok ? 'ok' : r.code).toBe('name-taken');
  });

  it('state renders deterministically', () => {
    const a = upgrade(ws(), 'foo', { log: true }, false);
    const b = upgrade(ws(), 'foo', { log: true }, false);
    if (!a.ok || !b.ok) throw new Error('refused');
    expect(renderState(a.ws.state)).toBe(renderState(b.ws.state));
    expect(Object.keys(JSON.parse(renderState(a.ws.state)).services.foo)).toEqual([...Object.keys(JSON.parse(renderState(a.ws.state)).services.foo)].sort());
  });
});

describe('downgrade', () => {
  it('restores the exact oneshot and removes the pipeline', () => {
    const before = ws();
    const up = upgrade(before, 'foo', { log: true }, false);
    if (!up.ok) throw new Error(up.reason);
    const down = downgrade(up.ws, 'foo');
    if (!down.ok) throw new Error(down.reason);
    expect([...down.ws.tree.definitions.keys()]).toEqual([...before.tree.definitions.keys()].sort());
    expect(down.ws.tree.definitions.get('foo')).toEqual(before.tree.definitions.get('foo'));
    expect(down.ws.state.services['foo']).toBeUndefined();
  });

  it('re-emits from model.json when state has no copy', () => {
    const up = upgrade(ws(), 'foo', { log: false }, false);
    if (!up.ok) throw new Error(up.reason);
    delete up.ws.state.services['foo']!.former;
    const down = downgrade(up.ws, 'foo');
    if (!down.ok) throw new Error(down.reason);
    expect(down.reemitted).toBe(true);
    expect(down.restored.files['up']!.content).toBe('"/etc/init.d/foo" "start"\n');
    expect(down.restored.dependencies).toEqual(['network']);
  });

  it('refuses a service that was never upgraded', () => {
    expect(downgrade(ws(), 'foo').ok).toBe(false);
  });
});

describe('logger run script', () => {
  it('creates the parent, or the whole dir for a log user', () => {
    expect(loggerRunScript('/var/log/s6migrate/foo')).toBe('#!/usr/bin/execlineb -P\nif { "/bin/mkdir" "-p" "/var/log/s6migrate" }\n"s6-log" "-d3" "--" "t" "s1048576" "n10" "/var/log/s6migrate/foo"\n');
    const withUser = loggerRunScript('/var/log/foo', 'log');
    expect(withUser).toContain('if { "/bin/chown" "log" "/var/log/foo" }');
    expect(withUser).toContain('"s6-setuidgid" "log"');
  });
});

describe('upgrading a longrun the first conversion made (systemd Type=simple)', () => {
  function longrunWs(): Workspace {
    const o = { file: '/lib/systemd/system/web.service', line: 5 };
    const s = service('web', [unit('web', 'simple', ['/usr/bin/webd', '-f'])], {
      wrapper: { kind: 'longrun', run: ['/usr/bin/webd', '-f'] },
      run: { env: { LANG: { value: 'C', origin: o } }, envFiles: [], user: { name: 'www', origin: o }, stopSignal: { name: 'INT', origin: o }, timeoutStop: { ms: 15000, origin: o } },
    });
    const t = baseTree();
    const web = definition('web', 'longrun');
    web.dependencies = ['network'];
    web.files['run'] = { content: '#!/usr/bin/execlineb -P\n"s6-envdir" "./env"\n"s6-setuidgid" "www"\n"/usr/bin/webd" "-f"\n', mode: 0o755 };
    web.files['env/LANG'] = { content: 'C\n' };
    web.files['down-signal'] = { content: 'INT\n' };
    web.files['timeout-down'] = { content: '15000\n' };
    t.definitions.set('web', web);
    return { tree: t, model: { version: 1, services: [fooService(), s], host: { facilityMembers: {} } }, state: emptyState() };
  }

  it('is pending and tracked next to the oneshots', () => {
    const w = longrunWs();
    expect(pendingServices(w)).toEqual(['foo', 'web']);
    expect(trackedServices(w)).toEqual(['foo', 'web']);
    expect([...unloggedLongruns(w)]).toEqual(['web']);
  });

  it('becomes web-srv + web-log with pipeline-name web, its run facts carried over', () => {
    const r = upgrade(longrunWs(), 'web', { log: true }, false);
    if (!r.ok) throw new Error(r.reason);
    expect(r.proposal.fg).toMatchObject({ evidence: 'systemd', confidence: 'high' });
    const srv = r.ws.tree.definitions.get('web-srv')!;
    expect(srv.dependencies).toEqual(['network']);
    // User= also gives USER, LOGNAME, HOME and SHELL, as systemd sets them, looked up at start.
    const accountEnv = execlineLine(accountEnvCommand({ user: 'www', style: 'systemd' }));
    expect(srv.files['run']!.content).toBe(`#!/usr/bin/execlineb -P\n"fdmove" "-c" "2" "1"\n${PGID}"s6-envdir" "./env"\n"cd" "/"\n${accountEnv}\n"s6-setuidgid" "www"\n"/usr/bin/webd" "-f"\n`);
    expect(srv.files['env/LANG']!.content).toBe('C\n');
    expect(srv.files['down-signal']!.content).toBe('INT\n');
    expect(srv.files['timeout-kill']!.content).toBe('15000\n');
    expect(r.ws.tree.definitions.get('web-log')!.files['pipeline-name']!.content).toBe('web\n');
    expect(r.ws.tree.definitions.has('web')).toBe(false);
    expect(r.ws.state.services['web']!.former!.type).toBe('longrun');
    expect(pendingServices(r.ws)).toEqual(['foo']);
  });

  it('downgrade restores the longrun exactly, from state or re-emitted from model.json', () => {
    const before = longrunWs();
    const up = upgrade(before, 'web', { log: true }, false);
    if (!up.ok) throw new Error(up.reason);
    const down = downgrade(up.ws, 'web');
    if (!down.ok) throw new Error(down.reason);
    expect(down.ws.tree.definitions.get('web')).toEqual(before.tree.definitions.get('web'));
    expect([...down.ws.tree.definitions.keys()]).toEqual([...before.tree.definitions.keys()].sort());
    delete up.ws.state.services['web']!.former;
    const again = downgrade(up.ws, 'web');
    if (!again.ok) throw new Error(again.reason);
    expect(again.reemitted).toBe(true);
    expect(again.restored).toEqual(before.tree.definitions.get('web'));
  });

  it('a longrun that is already part of a pipeline is not offered', () => {
    const w = longrunWs();
    w.tree.definitions.get('web')!.files['producer-for'] = { content: 'web-log\n' };
    expect(pendingServices(w)).toEqual(['foo']);
    const r = upgrade(w, 'web', { log: true }, false);
    expect(r.ok ? 'ok' : r.code).toBe('not-upgradable');
  });
});
