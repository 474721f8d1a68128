/**
 * Start-time work is carried into the run script or makes the proposal low confidence with the reason,
 * never dropped silently: on the real Debian units and init scripts of the corpus (nginx, ssh, dbus), and
 * run for real with execlineb on both s6 stacks (directories in place before the daemon starts; a
 * missing OpenRC required_files stops the start before the daemon runs).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importSystemd } from '../../importers/systemd/index.js';
import { importSysv } from '../../importers/sysv/index.js';
import type { Service, SysvEvidence } from '../../src/model/service.js';
import { differences } from '../../src/upgrade/differences.js';
import { upgrade } from '../../src/upgrade/upgrade.js';
import { STACK_ROWS } from '../support/stacks.js';
import { openrc, service, oneshotWorkspace } from './build.js';

const corpus = resolve(process.env.S6M_CORPUS ?? '.cache/corpus');
const work = mkdtempSync(join(tmpdir(), 's6m-startwork-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));


/** Upgrade without a logger; `yes` as --yes. */
function up(s: Service, yes = true) {
  const r = upgrade(oneshotWorkspace(s), s.name, { log: false }, yes);
  return r;
}

const runOf = (r: ReturnType<typeof up>, name: string): string => (r.ok ? r.ws.tree.definitions.get(name)!.files['run']!.content : '');

/** Import one package's files of the corpus (units or scripts), for the service `name`. */
function fromCorpus(pkg: string, kind: 'unit' | 'script', file: string): Service {
  const root = join(corpus, pkg);
  const r = kind === 'unit'
    ? importSystemd({ root, files: [join(root, 'lib/systemd/system', file)] })
    : importSysv({ root, files: [join(root, 'etc/init.d', file)] });
  return r.services[0]!;
}

const has = (pkg: string) => existsSync(join(corpus, pkg));

describe('systemd ExecStartPre= runs before the daemon', () => {
  it.skipIf(!has('nginx-common'))('nginx.service: nginx -t before nginx in the foreground', () => {
    const r = up(fromCorpus('nginx-common', 'unit', 'nginx.service'));
    expect(r.ok).toBe(true);
    const lines = runOf(r, 'nginx').trim().split('\n');
    expect(lines.slice(-2)).toEqual([
      'if { "/usr/sbin/nginx" "-t" "-q" "-g" "daemon on; master_process on;" }',
      '"/usr/sbin/nginx" "-g" "master_process on; daemon off;"',
    ]);
    expect(r.ok && r.proposal.fg.confidence).toBe('high');
  });

  it.skipIf(!has('openssh-server'))('ssh.service: /run/sshd (RuntimeDirectory=) made, sshd -t run, then sshd -D', () => {
    const r = up(fromCorpus('openssh-server', 'unit', 'ssh.service'));
    const run = runOf(r, 'ssh');
    const at = (s: string) => run.indexOf(s);
    expect(at('"/bin/mkdir" "-p" "-m" "0755" "/run/sshd"')).toBeGreaterThan(0);
    expect(at('if { "/usr/sbin/sshd" "-t" }')).toBeGreaterThan(at('/run/sshd'));
    expect(at("exec '/usr/sbin/sshd' '-D'")).toBeGreaterThan(at('"-t"'));
    expect(r.ok && r.proposal.plan.carried.join('\n')).toMatch(/ExecStartPre=\/usr\/sbin\/sshd -t/);
  });

  it('runs as the unit\'s account, a `-` line may fail, a `+` line keeps root', () => {
    const s = fromSystemdText('[Service]\nUser=food\nExecStartPre=-/usr/bin/prep a\nExecStartPre=+/usr/bin/rootprep\nExecStart=/usr/bin/food\n');
    const run = runOf(up(s), 'food');
    expect(run).toContain('foreground { "s6-setuidgid" "food" "/usr/bin/prep" "a" }');
    expect(run).toContain('if { "/usr/bin/rootprep" }');
  });

  it('ExecStartPost= cannot run from a run script: low confidence, refused without --yes, with the reason', () => {
    const s = fromSystemdText('[Service]\nExecStart=/usr/bin/food\nExecStartPost=/usr/bin/announce\n');
    const r = up(s, false);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('low-confidence');
    expect(r.reason).toMatch(/ExecStartPost=\/usr\/bin\/announce .*runs after the daemon started/);
  });
});

let units = 0;
function fromSystemdText(text: string): Service {
  const root = join(work, `u${units++}`);
  mkdirSync(join(root, 'lib/systemd/system'), { recursive: true });
  writeFileSync(join(root, 'lib/systemd/system/food.service'), text);
  return importSystemd({ root, files: [join(root, 'lib/systemd/system/food.service')] }).services[0]!;
}

describe('init scripts: directories carried, other work refused with the reason', () => {
  it.skipIf(!has('dbus'))('dbus: mkdir -p /var/run/dbus, chown and chgrp messagebus, before dbus-daemon', () => {
    const r = up(fromCorpus('dbus', 'script', 'dbus'));
    const run = runOf(r, 'dbus');
    expect(run).toContain('if { "/bin/mkdir" "-p" "/var/run/dbus" }\nif { "/bin/chown" "messagebus" "/var/run/dbus" }\nif { "/bin/chgrp" "messagebus" "/var/run/dbus" }\n');
    expect(r.ok && r.proposal.plan.dropped).toEqual([]);
  });

  it.skipIf(!has('openssh-server'))('ssh: /run/sshd is made; `sshd $SSHD_OPTS -t` is not, since only restart and reload run it', () => {
    const r = up(fromCorpus('openssh-server', 'script', 'ssh'), false);
    // Nothing of the start is dropped (medium, not high, only for its `export PATH=...`: sysv-unresolved-env).
    expect(r.ok && r.proposal.plan.dropped).toEqual([]);
    expect(r.ok && r.proposal.fg.confidence).not.toBe('low');
    const run = runOf(r, 'ssh');
    expect(run).toContain('if { "/bin/mkdir" "-p" "/run/sshd" }\nif { "/bin/chmod" "0755" "/run/sshd" }\n');
    expect(run).not.toContain('-t');
    // `( /usr/sbin/sshd -\? 2>&1 | grep -q OpenSSH ) || exit 0` only asks: its output goes down a pipe.
    expect(r.ok && r.proposal.plan.notCarried.join('\n')).not.toContain('sshd -\\?');
  });

  it.skipIf(!has('nginx-common'))('nginx: test_config is called from restart/reload/configtest only, so the start has no config test', () => {
    const s = fromCorpus('nginx-common', 'script', 'nginx');
    expect((s.sources[0] as SysvEvidence).startWork ?? []).toEqual([]);
    const r = up(s, false);
    expect(r.ok && r.proposal.fg.confidence).toBe('high');
  });

  it.skipIf(!has('influxdb'))('influxdb: directories named by $(dirname ...) of unknown values are not carried: low, with each command', () => {
    const r = up(fromCorpus('influxdb', 'script', 'influxdb'), false);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('low-confidence');
    expect(r.reason).toContain('`mkdir -p $piddir`');
  });

  it('OpenRC start_pre() makes the proposal low; required_files/required_dirs are checked', () => {
    const ev = openrc('food', { command: '/usr/bin/food', command_background: 'yes', required_files: '/etc/food.conf', required_dirs: '/var/lib/food' });
    ev.functions.push('start_pre');
    const r = up(service('food', [ev]), false);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toMatch(/OpenRC start_pre\(\)/);
    const ok = up(service('food', [openrc('food', { command: '/usr/bin/food', command_background: 'yes', required_files: '/etc/food.conf' })]));
    expect(runOf(ok, 'food')).toContain('"/etc/food.conf"');
  });
});

describe.each(STACK_ROWS)('carried work runs for real before the daemon (s6 stack %s)', (version, stack) => {
  const root = join(work, `real-${version}`);
  const out = join(root, 'out');
  const runDir = join(root, 'run/food');
  const recorder = join(root, 'food');
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  // The daemon is a recorder: what exists when it starts, and its arguments.
  writeFileSync(recorder, `#!/bin/sh\n{ stat -c '%U %a' '${runDir}' 2>&1; echo "$@"; } >> '${out}'\n`);
  chmodSync(recorder, 0o755);
  const run = (script: string) => {
    writeFileSync(join(root, 'run-script'), script);
    rmSync(out, { force: true });
    return spawnSync('execlineb', ['-P', join(root, 'run-script')], { cwd: root, env: stack.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };
  const isRoot = userInfo().uid === 0;

  it.skipIf(!isRoot)('an init script\'s mkdir and chown, then its config test with the defaults file\'s value, before the daemon', () => {
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(join(root, 'etc/default'), { recursive: true });
    writeFileSync(join(root, 'etc/default/food'), 'OPTS="--flag \'two words\'"\n');
    writeFileSync(join(root, 'etc/init.d/food'), `#!/bin/sh\n### BEGIN INIT INFO\n# Provides: food\n# Default-Start: 2 3 4 5\n### END INIT INFO\nRUNDIR=${runDir}\nDAEMON=${recorder}\n. /etc/default/food\ntest_config() {\n  $DAEMON -t $OPTS\n}\ncase "$1" in\nstart)\n  mkdir $RUNDIR\n  chmod 0750 $RUNDIR\n  chown nobody $RUNDIR\n  test_config || exit 1\n  start-stop-daemon --start --background --exec $DAEMON -- --dir $RUNDIR\n  ;;\nstop) start-stop-daemon --stop --exec $DAEMON ;;\nesac\n`);
    const s = importSysv({ root, files: [join(root, 'etc/init.d/food')] }).services[0]!;
    const r = up(s);
    expect(r.ok).toBe(true);
    // The run script reads /etc/default/food on the converted system: point it at this root's copy.
    const res = run(runOf(r, 'food').replaceAll('/etc/default/food', join(root, 'etc/default/food')));
    expect(res.status, res.stderr).toBe(0);
    // The script splits $OPTS unquoted, as the shell does: "--flag", "'two", "words'".
    expect(readFileSync(out, 'utf8')).toBe(`nobody 750\n-t --flag 'two words'\nnobody 750\n--dir ${runDir}\n`);
    // At the next start the directory exists: mkdir -p, the script's test for it.
    expect(run(runOf(r, 'food')).status).toBe(0);
    expect(statSync(runDir).isDirectory()).toBe(true);
  });

  it.skipIf(!isRoot)('a unit\'s ExecStartPre= runs as User= before the daemon; a `-` line may fail', () => {
    // nobody writes the records here: a world-writable sticky directory under a traversable work dir.
    chmodSync(work, 0o755);
    chmodSync(root, 0o1777);
    const pre = join(root, 'pre');
    rmSync(pre, { force: true });
    writeFileSync(pre, '');
    chmodSync(pre, 0o666);
    const s = fromSystemdText(`[Service]\nUser=nobody\nExecStartPre=-/bin/false\nExecStartPre=/bin/sh -c "id -un >> ${pre}"\nExecStart=${recorder} --fg\n`);
    const r = up(s);
    expect(r.ok).toBe(true);
    const res = run(runOf(r, 'food'));
    expect(res.status, res.stderr).toBe(0);
    expect(readFileSync(pre, 'utf8')).toBe('nobody\n');
    expect(readFileSync(out, 'utf8').split('\n')[1]).toBe('--fg');
  });

  it('a missing OpenRC required_files stops the start before the daemon runs', () => {
    const s = service('food', [openrc('food', { command: recorder, command_background: 'yes', required_files: join(root, 'missing.conf') })]);
    const res = run(runOf(up(s), 'food'));
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('required_files');
    expect(existsSync(out)).toBe(false);
    writeFileSync(join(root, 'missing.conf'), '');
    expect(run(runOf(up(s), 'food')).status).toBe(0);
    expect(existsSync(out)).toBe(true);
  });
});

describe('differences from the original run (for the wizard)', () => {
  it.skipIf(!has('nginx-common'))('nginx.service: the command rewritten, nginx -t kept, supervision, readiness', () => {
    const r = up(fromCorpus('nginx-common', 'unit', 'nginx.service'));
    if (!r.ok) throw new Error(r.reason);
    const d = differences(r.proposal);
    expect(d).toContainEqual({ kind: 'command', text: "runs `/usr/sbin/nginx -g 'master_process on; daemon off;'` instead of `/usr/sbin/nginx -g 'daemon on; master_process on;'`" });
    expect(d.filter((x) => x.kind === 'start-work').map((x) => x.text).join('\n')).toMatch(/ExecStartPre=\/usr\/sbin\/nginx -t/);
    expect(d.map((x) => x.kind)).toEqual(expect.arrayContaining(['supervision', 'readiness']));
  });

  it.skipIf(!has('dbus'))('dbus.service: the systemd-only options dropped are listed', () => {
    const r = up(fromCorpus('dbus', 'unit', 'dbus.service'));
    if (!r.ok) throw new Error(r.reason);
    const d = differences(r.proposal);
    expect(d.find((x) => x.kind === 'command' && x.text.startsWith('runs '))?.text).toContain('--address=systemd:');
    expect(d.some((x) => x.text.startsWith('dropped --address=systemd: --systemd-activation'))).toBe(true);
    expect(d.some((x) => x.kind === 'start-work' && x.text.startsWith('/run/dbus'))).toBe(true);
  });

  it.skipIf(!has('influxdb'))('influxdb with --yes: the work not done any more is listed', () => {
    const r = up(fromCorpus('influxdb', 'script', 'influxdb'));
    if (!r.ok) throw new Error(r.reason);
    expect(differences(r.proposal).filter((x) => x.kind === 'start-work' && x.text.startsWith('not done any more')).map((x) => x.text).join('\n')).toContain('mkdir -p $piddir');
  });
});
