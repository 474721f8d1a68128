import { afterEach, describe, expect, it } from 'vitest';
import { importSystemd } from '../../../importers/systemd/index.js';
import type { ImportResult, Service, SystemdEvidence } from '../../../src/model/service.js';
import { makeRoot, type Entry } from './helpers.js';

const LIB = 'lib/systemd/system';
const ETC = 'etc/systemd/system';
const RUN = 'run/systemd/system';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function run(entries: Record<string, Entry>, files: string[]): { r: ImportResult; path: (p: string) => string } {
  const t = makeRoot(entries);
  cleanups.push(t.cleanup);
  return { r: importSystemd({ root: t.root, files: files.map(t.path) }), path: t.path };
}
function svc(r: ImportResult, name: string): Service {
  const s = r.services.find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name}; have ${r.services.map((x) => x.name).join(', ')}`);
  return s;
}
const ev = (s: Service) => s.sources[0] as SystemdEvidence;
const codes = (s: Service) => s.findings.map((f) => f.code);

describe('templates and instances', () => {
  it('expands %i and friends for two instances named by .wants/ links', () => {
    const { r } = run({
      [`${LIB}/web@.service`]: { fixture: 'web@.service' },
      [`${ETC}/multi-user.target.wants/web@srv-site1.service`]: { link: '/lib/systemd/system/web@.service' },
      [`${ETC}/multi-user.target.wants/web@my\\x2dsite.service`]: { link: '/lib/systemd/system/web@.service' },
    }, [`${LIB}/web@.service`]);
    expect(r.services.map((s) => s.name)).toEqual(['web@my\\x2dsite', 'web@srv-site1']);
    const a = svc(r, 'web@srv-site1');
    expect(a.description).toBe('Web server for srv/site1');
    expect(a.wrapper).toEqual({ kind: 'longrun', run: [
      '/usr/sbin/webd', '--name', 'web@srv-site1.service', '--prefix', 'web', '--site', 'srv-site1', '--root', 'srv/site1',
      '--file', '/srv/site1', '--run', '/run/web-srv-site1.sock', '--home', '/root', '--user', 'root', '--uid', '0', '--percent', '100%'] });
    expect(a.run.env.SITE?.value).toBe('srv-site1');
    expect(a.run.env.ROOT?.value).toBe('/srv/site1');
    expect(a.run.workdir?.path).toBe('/srv/site1');
    expect(a.startIn).toEqual(['multi-user']);
    expect(ev(a)).toMatchObject({ unit: 'web@srv-site1.service', systemPath: '/lib/systemd/system/web@.service', serviceType: 'simple' });
    const b = svc(r, 'web@my\\x2dsite');
    expect(b.run.daemon?.argv).toContain('my-site'); // %I unescapes \x2d
    expect(b.run.daemon?.argv).toContain('/my-site'); // %f
    expect(b.description).toBe('Web server for my-site');
  });

  it('DefaultInstance= names an instance, whose [Install] applies', () => {
    const { r } = run({ [`${LIB}/t@.service`]: '[Service]\nExecStart=/bin/t %i\n[Install]\nWantedBy=multi-user.target\nDefaultInstance=one\n' }, [`${LIB}/t@.service`]);
    const s = svc(r, 't@one');
    expect(s.wrapper).toEqual({ kind: 'longrun', run: ['/bin/t', 'one'] });
    // [Install] only proposes: without the link `systemctl enable` makes, the host does not start it.
    expect(s.startIn).toEqual([]);
    expect(s.enabled).toEqual({ value: false, why: '[Install] WantedBy=multi-user.target, but no .wants/ link: not enabled' });
    const linked = run({
      [`${LIB}/t@.service`]: '[Service]\nExecStart=/bin/t %i\n[Install]\nWantedBy=multi-user.target\nDefaultInstance=one\n',
      [`${ETC}/multi-user.target.wants/t@one.service`]: { link: '/lib/systemd/system/t@.service' },
    }, [`${LIB}/t@.service`]);
    expect(svc(linked.r, 't@one').startIn).toEqual(['multi-user']);
    expect(svc(linked.r, 't@one').enabled).toEqual({ value: true, why: 'linked from multi-user.target.wants' });
  });

  it('a DefaultInstance= that makes no valid unit name (a `/`, a space, too long) is ignored with a warning, never looked up', () => {
    for (const bad of ['/bin/x', 'a b', 'x'.repeat(5000)]) {
      const { r, path } = run({ [`${LIB}/t@.service`]: `[Service]\nExecStart=/bin/t %i\n[Install]\nDefaultInstance=${bad}\n` }, [`${LIB}/t@.service`]);
      expect(r.services).toEqual([]);
      expect(r.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
        ['unit-template-no-instance', path(`${LIB}/t@.service`), undefined],
        ['unit-bad-default-instance', path(`${LIB}/t@.service`), 4],
      ]);
    }
  });

  it('host-dependent specifiers use the root\'s /etc/hostname and are reported', () => {
    const { r } = run({ 'etc/hostname': 'web1.example.org\n', [`${LIB}/h.service`]: '[Service]\nExecStart=/bin/h %H %l\n' }, [`${LIB}/h.service`]);
    const s = svc(r, 'h');
    expect(s.wrapper).toEqual({ kind: 'longrun', run: ['/bin/h', 'web1.example.org', 'web1'] });
    expect(s.findings.filter((f) => f.code === 'unit-specifier-host-dependent').map((f) => [f.message.match(/%[a-zA-Z]/)?.[0], f.origin.line])).toEqual([['%H', 2], ['%l', 2]]);
  });

  it('a template without instances yields a note and no service', () => {
    const { r, path } = run({ [`${LIB}/t@.service`]: '[Service]\nExecStart=/bin/t %i\n' }, [`${LIB}/t@.service`]);
    expect(r.services).toEqual([]);
    expect(r.diagnostics).toMatchObject([{ code: 'unit-template-no-instance', file: path(`${LIB}/t@.service`) }]);
  });
});

describe('drop-ins', () => {
  it('merge in file-name order across directories; a same-named drop-in in an earlier directory wins; empty resets', () => {
    const { r, path } = run({
      [`${LIB}/my-app.service`]: '[Service]\nExecStart=/usr/bin/app --lib\nEnvironment=A=lib\nUser=lib\n',
      [`${LIB}/my-app.service.d/10-a.conf`]: '[Service]\nEnvironment=B=lib10\nUser=lib10\n',
      [`${LIB}/my-app.service.d/20-b.conf`]: '[Service]\nExecStart=\nExecStart=/usr/bin/app --from-lib20\nEnvironment=C=lib20\n',
      [`${ETC}/my-app.service.d/20-b.conf`]: '[Service]\nExecStart=\nExecStart=/usr/bin/app --from-etc20\n',
      [`${ETC}/my-app.service.d/15-c.conf`]: '[Service]\nUser=etc15\n',
      [`${RUN}/my-app.service.d/30-z.conf`]: '[Service]\nEnvironment=A=run30\n',
      [`${LIB}/my-.service.d/05-prefix.conf`]: '[Service]\nEnvironment=P=prefix\n',
      [`${LIB}/my-app.service.d/README`]: 'not a drop-in\n',
    }, [`${LIB}/my-app.service`]);
    const s = svc(r, 'my-app');
    expect(ev(s).dropIns).toEqual([
      path(`${LIB}/my-.service.d/05-prefix.conf`), path(`${LIB}/my-app.service.d/10-a.conf`), path(`${ETC}/my-app.service.d/15-c.conf`),
      path(`${ETC}/my-app.service.d/20-b.conf`), path(`${RUN}/my-app.service.d/30-z.conf`),
    ]);
    expect(s.wrapper).toEqual({ kind: 'longrun', run: ['/usr/bin/app', '--from-etc20'] });
    expect(ev(s).execStart).toHaveLength(1);
    expect(ev(s).execStart[0]!.origin).toEqual({ file: path(`${ETC}/my-app.service.d/20-b.conf`), line: 3 });
    expect(s.run.user?.name).toBe('etc15');
    expect(Object.fromEntries(Object.entries(s.run.env).map(([k, v]) => [k, v.value]))).toEqual({ A: 'run30', B: 'lib10', P: 'prefix' });
  });

  it('template drop-ins apply to instances, the instance drop-in after them by name', () => {
    const { r } = run({
      [`${LIB}/t@.service`]: '[Service]\nExecStart=/bin/t %i\n[Install]\nDefaultInstance=x\n',
      [`${LIB}/t@.service.d/a.conf`]: '[Service]\nUser=from-template\n',
      [`${ETC}/t@x.service.d/b.conf`]: '[Service]\nUser=from-instance\n',
    }, [`${LIB}/t@.service`]);
    expect(svc(r, 't@x').run.user?.name).toBe('from-instance');
  });
});

describe('unit search path, masking, aliases', () => {
  it('a unit in /etc overrides the one in /lib', () => {
    const { r, path } = run({
      [`${LIB}/over.service`]: '[Service]\nExecStart=/usr/bin/lib-version\n',
      [`${ETC}/over.service`]: '[Service]\nExecStart=/usr/bin/etc-version\n',
    }, [`${LIB}/over.service`]);
    expect(svc(r, 'over').wrapper).toEqual({ kind: 'longrun', run: ['/usr/bin/etc-version'] });
    expect(r.diagnostics).toMatchObject([{ code: 'unit-overridden', file: path(`${LIB}/over.service`) }]);
  });

  it('a link to /dev/null in /etc masks the unit; so does an empty file', () => {
    const { r } = run({
      [`${LIB}/masked.service`]: '[Service]\nExecStart=/x\n',
      [`${ETC}/masked.service`]: { link: '/dev/null' },
      [`${LIB}/empty.service`]: '',
    }, [`${LIB}/masked.service`, `${LIB}/empty.service`]);
    for (const n of ['masked', 'empty']) {
      const s = svc(r, n);
      expect(s.wrapper).toBeUndefined();
      expect(codes(s)).toEqual(['unit-masked']);
    }
    expect(r.diagnostics.map((d) => d.code)).toEqual(['unit-masked', 'unit-masked']);
  });

  it('a link to another unit name is an alias: one service that provides the name', () => {
    const { r } = run({
      [`${LIB}/rpcbind.service`]: '[Service]\nExecStart=/sbin/rpcbind -f\n',
      [`${LIB}/portmap.service`]: { link: 'rpcbind.service' },
    }, [`${LIB}/portmap.service`, `${LIB}/rpcbind.service`]);
    expect(r.services.map((s) => [s.name, s.provides])).toEqual([['rpcbind', ['portmap']]]);
  });

  it('default.target link sets the default bundle; absent, it stays unset', () => {
    const { r, path } = run({ [`${ETC}/default.target`]: { link: '/lib/systemd/system/multi-user.target' } }, []);
    expect(r.host.defaultBundles).toEqual({ bundles: ['multi-user'], origin: { file: path(`${ETC}/default.target`) } });
    expect(run({}, []).r.host.defaultBundles).toBeUndefined();
  });

  it('a file outside the unit directories is read with drop-ins from its own directory', () => {
    const { r } = run({
      'tmp/units/solo.service': '[Service]\nExecStart=/bin/solo\n',
      'tmp/units/solo.service.d/x.conf': '[Service]\nUser=nobody\n',
    }, ['tmp/units/solo.service']);
    expect(svc(r, 'solo').run.user?.name).toBe('nobody');
  });
});

describe('[Install], links, dependencies', () => {
  it('.wants/ links give start bundles (WantedBy= alone does not), Alias= a provided name', () => {
    const { r } = run({
      [`${LIB}/legacyd.service`]: { fixture: 'legacyd.service' },
      [`${ETC}/graphical.target.wants/legacyd.service`]: { link: '/lib/systemd/system/legacyd.service' },
    }, [`${LIB}/legacyd.service`]);
    const s = svc(r, 'legacyd');
    expect(s.startIn).toEqual(['graphical']);
    expect(s.provides).toEqual(['legacy']);
    expect(s.deps.map((d) => [d.kind, d.target, d.facility])).toEqual([['after', 'syslog', true], ['after', 'network', true]]);
  });

  it('facility targets, other targets, services and shutdown-only dependencies', () => {
    const { r } = run({
      [`${LIB}/d.service`]: '[Unit]\nRequires=a.service\nBindsTo=b.service\nRequisite=c.socket\nWants=time-sync.target\nAfter=foo.target basic.target\nBefore=nss-lookup.target shutdown.target\nConflicts=shutdown.target other.service\n[Service]\nExecStart=/bin/d\n',
    }, [`${LIB}/d.service`]);
    expect(svc(r, 'd').deps.map((d) => [d.kind, d.target, d.facility, d.origin.line])).toEqual([
      ['requires', 'a', false, 2], ['requires', 'b', false, 3], ['requires', 'c.socket', false, 4], ['wants', 'time', true, 5],
      ['after', 'foo', false, 6], ['after', 'basic', false, 6], ['before', 'named', true, 7], ['conflicts', 'other', false, 8],
    ]);
  });

  it('.target units come back as targets with what they pull in', () => {
    const { r } = run({ [`${LIB}/app.target`]: '[Unit]\nWants=app-web.service app-db.service\n[Install]\nWantedBy=multi-user.target\n' }, [`${LIB}/app.target`]);
    const t = svc(r, 'app.target');
    expect(ev(t).unitType).toBe('target');
    expect(t.wrapper).toBeUndefined();
    expect(t.deps.map((d) => d.target)).toEqual(['app-web', 'app-db']);
  });
});

describe('Type= mappings and run facts', () => {
  it('oneshot: pre+start+post up, stop+stoppost down, `-` wrapped to ignore failure', () => {
    const { r } = run({ [`${LIB}/backup.service`]: { fixture: 'backup.service' } }, [`${LIB}/backup.service`]);
    const s = svc(r, 'backup');
    expect(s.wrapper).toEqual({ kind: 'oneshot', up: [
      ['/bin/sh', '-c', '"$@" || :', 'sh', '/bin/mkdir', '-p', '/var/backups/nightly'],
      ['/usr/bin/backup', '--all'], ['/usr/bin/backup', '--verify', '/var/backups/nightly'], ['/usr/bin/logger', 'backup done'],
    ], down: [['/usr/bin/backup', '--cleanup'], ['/bin/sh', '-c', '"$@" || :', 'sh', '/bin/rm', '-f', '/run/backup.lock']],
    unitCommands: { up: [{}, {}, {}, {}], down: [{}, {}] } });
    expect(ev(s).remainAfterExit).toBe(true);
    expect(s.deps.map((d) => [d.kind, d.target, d.facility])).toEqual([['requires', 'local-fs', true], ['after', 'local-fs', true], ['after', 'remote-fs', true]]);
    expect(codes(s)).not.toContain('unit-oneshot-no-remain');
  });

  it('forking with PIDFile: oneshot whose down kills the pid with KillSignal; limits, umask, timeouts; sandboxing findings', () => {
    const { r, path } = run({ [`${LIB}/legacyd.service`]: { fixture: 'legacyd.service' } }, [`${LIB}/legacyd.service`]);
    const s = svc(r, 'legacyd');
    expect(s.wrapper).toEqual({ kind: 'oneshot', up: [['/usr/sbin/legacyd', '-c', '/etc/legacyd.conf']],
      down: [['/bin/sh', '-c', 'read -r pid < "$1" && kill -s "$2" "$pid"', 'sh', '/run/legacyd.pid', 'INT']],
      unitCommands: { up: [{}], down: [{ privileged: true }] } }); // systemd sends the signal itself
    expect(s.run.pidfile?.path).toBe('/run/legacyd.pid');
    expect(s.run.stopSignal?.name).toBe('INT');
    expect(s.run.timeoutStop).toEqual({ ms: 90_000, origin: { file: path(`${LIB}/legacyd.service`), line: 10 } });
    expect(s.run.limits?.value).toEqual({ o: '65536', c: '=' });
    expect(s.run.umask?.value).toBe('0027');
    const f = s.findings.filter((x) => x.code === 'unit-directive-not-carried').map((x) => [x.message.split('=')[0], x.origin.line]);
    expect(f).toEqual([['CapabilityBoundingSet', 16], ['PrivateTmp', 15], ['ProtectSystem', 14]]);
    expect(codes(s)).toContain('unit-forking-unsupervised');
  });

  it('forking with ExecStop uses it; without ExecStop or PIDFile there is no down and a finding', () => {
    const { r } = run({
      [`${LIB}/f1.service`]: '[Service]\nType=forking\nExecStart=/usr/sbin/f1\nExecStop=/usr/sbin/f1 -stop\n',
      [`${LIB}/f2.service`]: '[Service]\nType=forking\nExecStart=/usr/sbin/f2\n',
    }, [`${LIB}/f1.service`, `${LIB}/f2.service`]);
    expect(svc(r, 'f1').wrapper).toEqual({ kind: 'oneshot', up: [['/usr/sbin/f1']], down: [['/usr/sbin/f1', '-stop']], unitCommands: { up: [{}], down: [{}] } });
    expect(svc(r, 'f2').wrapper).toEqual({ kind: 'oneshot', up: [['/usr/sbin/f2']], down: [], unitCommands: { up: [{}], down: [] } });
    expect(codes(svc(r, 'f2'))).toContain('unit-forking-no-stop');
  });

  it('notify: longrun with a finding; variables with an EnvironmentFile are kept for expansion at start and reported', () => {
    const { r } = run({ [`${LIB}/notifyd.service`]: { fixture: 'notifyd.service' } }, [`${LIB}/notifyd.service`]);
    const s = svc(r, 'notifyd');
    expect(s.wrapper).toEqual({ kind: 'longrun', run: ['/usr/bin/notifyd', '--level', '${LEVEL}', '$EXTRA_OPTS'], expandVariables: true });
    expect(s.run.envFiles).toMatchObject([{ path: '/etc/default/notifyd', optional: true, syntax: 'envfile' }]);
    expect(codes(s)).toEqual(expect.arrayContaining(['unit-type-approximated', 'unit-exec-variables', 'unit-directive-not-carried', 'unit-directive-approximated']));
    expect(ev(s).restart).toBe('on-failure');
    expect(ev(s).execReload[0]!.argv).toEqual(['/bin/kill', '-HUP', '$MAINPID']);
    expect(s.startIn).toEqual([]);
    expect(s.deps.map((d) => [d.kind, d.target])).toEqual([['wants', 'time'], ['before', 'named']]);
  });

  it('variables defined only by Environment= are expanded; `:` disables expansion', () => {
    const { r } = run({
      [`${LIB}/e.service`]: '[Service]\nEnvironment="OPTS=-a -b" NAME=x\nExecStart=/bin/e $OPTS --name=${NAME}\n',
      [`${LIB}/n.service`]: '[Service]\nEnvironment=OPTS=-a\nExecStart=:/bin/n $OPTS\n',
    }, [`${LIB}/e.service`, `${LIB}/n.service`]);
    expect(svc(r, 'e').wrapper).toEqual({ kind: 'longrun', run: ['/bin/e', '-a', '-b', '--name=x'] });
    expect(codes(svc(r, 'e'))).not.toContain('unit-exec-variables');
    expect(svc(r, 'n').wrapper).toEqual({ kind: 'longrun', run: ['/bin/n', '$OPTS'] });
  });

  it('simple, exec, idle, dbus; default Type; @ prefix; no ExecStart; several ExecStart on a longrun', () => {
    const { r, path } = run({
      [`${LIB}/s.service`]: '[Service]\nExecStart=@/usr/bin/s s-daemon -f\nWorkingDirectory=-~\n',
      [`${LIB}/x.service`]: '[Service]\nType=exec\nExecStart=/usr/bin/x\n',
      [`${LIB}/i.service`]: '[Service]\nType=idle\nExecStart=/usr/bin/i\n',
      [`${LIB}/b.service`]: '[Service]\nBusName=org.example.B\nExecStart=/usr/bin/b\n',
      [`${LIB}/none.service`]: '[Unit]\nDescription=nothing\n',
      [`${LIB}/two.service`]: '[Service]\nExecStart=/a\nExecStart=/b\n',
    }, ['s', 'x', 'i', 'b', 'none', 'two'].map((n) => `${LIB}/${n}.service`));
    const s = svc(r, 's');
    expect(s.wrapper).toEqual({ kind: 'longrun', run: ['/usr/bin/s', '-f'] });
    expect(ev(s).execStart[0]!.argv0).toBe('s-daemon');
    expect(s.run.workdir?.path).toBe('/root');
    expect(codes(s)).toEqual(expect.arrayContaining(['unit-exec-argv0', 'unit-workdir-optional']));
    expect(svc(r, 'x').wrapper?.kind).toBe('longrun');
    expect(ev(svc(r, 'i')).serviceType).toBe('idle');
    expect(codes(svc(r, 'i'))).toContain('unit-type-approximated');
    expect(ev(svc(r, 'b')).serviceType).toBe('dbus');
    expect(svc(r, 'none').wrapper).toBeUndefined();
    expect(codes(svc(r, 'none'))).toContain('unit-no-exec-start');
    expect(svc(r, 'two').wrapper).toBeUndefined();
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'unit-multiple-exec-start', file: path(`${LIB}/two.service`), line: 3 }));
  });

  it('socket, timer, path and mount units: no wrapper, a finding with the s6 alternative', () => {
    const { r } = run({
      [`${LIB}/a.socket`]: '[Socket]\nListenStream=/run/a.sock\n[Install]\nWantedBy=sockets.target\n',
      [`${LIB}/a.timer`]: '[Timer]\nOnCalendar=daily\n',
      [`${LIB}/a.path`]: '[Path]\nPathChanged=/etc/a\n',
      [`${LIB}/srv-data.mount`]: '[Mount]\nWhat=/dev/sdb1\nWhere=/srv/data\n',
    }, ['a.socket', 'a.timer', 'a.path', 'srv-data.mount'].map((n) => `${LIB}/${n}`));
    const expected: [string, string, RegExp][] = [['a.socket', 'socket', /s6-ipcserver/], ['a.timer', 'timer', /snooze|cron/], ['a.path', 'path', /inotify/], ['srv-data.mount', 'mount', /fstab/]];
    for (const [name, type, re] of expected) {
      const s = svc(r, name);
      expect(s.wrapper).toBeUndefined();
      expect(ev(s).unitType).toBe(type);
      expect(s.findings.find((f) => f.code === 'unit-type-not-converted')?.message).toMatch(re);
    }
    expect(r.diagnostics.filter((d) => d.severity !== 'note')).toEqual([]);
  });
});

describe('malformed units: diagnostics with file and line, never a throw', () => {
  it('reports each problem of broken.service where it is', () => {
    const { r, path } = run({ [`${LIB}/broken.service`]: { fixture: 'broken.service' } }, [`${LIB}/broken.service`]);
    const f = path(`${LIB}/broken.service`);
    expect(r.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
      ['unit-assignment-outside-section', f, 1],
      ['unit-missing-equals', f, 4],
      ['unit-exec-syntax', f, 7],
      ['unit-bad-time-span', f, 8],
      ['unit-bad-signal', f, 9],
      ['unit-unknown-directive', f, 10],
      ['unit-unknown-section', f, 12],
    ]);
    const s = svc(r, 'broken');
    expect(s.wrapper).toBeUndefined();
    expect(s.description).toBe('Broken on purpose');
  });

  it('missing and unreadable files are diagnostics', () => {
    const { r, path } = run({ [`${LIB}/dir.service/x`]: 'x', [`${LIB}/a.service.d/x.conf`]: '[Service]\n' }, [`${LIB}/gone.service`, `${LIB}/dir.service`, `${LIB}/a.service.d/x.conf`, `${LIB}/README`]);
    expect(r.services).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['unit-bad-name', path(`${LIB}/README`)],
      ['unit-drop-in-file', path(`${LIB}/a.service.d/x.conf`)],
      ['not-a-file', path(`${LIB}/dir.service`)],
      ['unreadable-file', path(`${LIB}/gone.service`)],
    ]);
  });
});

// The importer lists each unit directory once and reads each shared file once (performance round); these
// pin the behaviour those shortcuts must keep.
describe('listings and shared files keep systemd semantics', () => {
  it('only an empty file masks: a file holding just a byte-order mark (empty text) is a unit; so is an empty file reached through a same-name link', () => {
    const { r } = run({
      [`${LIB}/bom.service`]: '\ufeff',
      [`${LIB}/gone.service`]: '',
      [`${ETC}/gone.service`]: { link: '../../../lib/systemd/system/gone.service' },
    }, [`${LIB}/bom.service`, `${ETC}/gone.service`]);
    expect(codes(svc(r, 'bom'))).toEqual(['unit-no-exec-start']);
    const gone = svc(r, 'gone');
    expect(codes(gone)).toEqual(['unit-masked']);
    expect(gone.findings[0]!.message).toContain('an empty file');
  });

  it('a type-wide drop-in applies to every unit, and its problems are reported with each unit that reads it', () => {
    const { r, path } = run({
      [`${LIB}/a.service`]: '[Service]\nExecStart=/bin/a\n',
      [`${LIB}/b.service`]: '[Service]\nExecStart=/bin/b\n',
      [`${LIB}/service.d/10-all.conf`]: '[Service]\nUser=daemon\nBogus=1\n',
      [`${ETC}/b.service.d/10-all.conf`]: { link: '/dev/null' },
    }, [`${LIB}/a.service`, `${LIB}/b.service`]);
    expect(svc(r, 'a').run.user?.name).toBe('daemon');
    expect(ev(svc(r, 'a')).dropIns).toEqual([path(`${LIB}/service.d/10-all.conf`)]);
    expect(svc(r, 'b').run.user).toBeUndefined();
    expect(r.diagnostics.filter((d) => d.code === 'unit-unknown-directive').map((d) => [d.file, d.line])).toEqual([[path(`${LIB}/service.d/10-all.conf`), 3]]);
  });

  it('each instance of a template reads the template again with its own specifiers, and reports its problems each time', () => {
    const { r, path } = run({
      [`${LIB}/t@.service`]: '[Service]\nExecStart=/bin/t %i\nBogus=1\n',
      [`${ETC}/multi-user.target.wants/t@one.service`]: { link: '/lib/systemd/system/t@.service' },
      [`${ETC}/multi-user.target.wants/t@two.service`]: { link: '/lib/systemd/system/t@.service' },
    }, [`${LIB}/t@.service`]);
    expect(svc(r, 't@one').wrapper).toEqual({ kind: 'longrun', run: ['/bin/t', 'one'] });
    expect(svc(r, 't@two').wrapper).toEqual({ kind: 'longrun', run: ['/bin/t', 'two'] });
    expect(r.diagnostics.filter((d) => d.code === 'unit-unknown-directive').map((d) => d.file)).toEqual([path(`${LIB}/t@.service`), path(`${LIB}/t@.service`)]);
  });
});
