import { afterAll, describe, expect, it } from 'vitest';
import { cleanupRoots, codes, importScript, SHEBANG } from './helpers.js';

afterAll(cleanupRoots);

const run = (body: string, opts: Parameters<typeof importScript>[1] = {}) => importScript(SHEBANG + body, opts);

describe('OpenRC variables -> RunFacts and evidence', () => {
  it('command alone is the daemon argv, with its origin line', () => {
    const { service, file } = run('# c\ncommand=/usr/bin/food\n');
    expect(service.run.daemon).toEqual({ argv: ['/usr/bin/food'], origin: { file, line: 3 } });
    expect(service.sources[0]!.format).toBe('openrc');
  });

  it('command_args is split as eval would: quotes group words, unquoted expansions split', () => {
    const { service } = run('opts="-a  -b"\ncommand=/bin/d\ncommand_args="--conf \'/etc/my d.conf\' $opts \\"x y\\""\n');
    expect(service.run.daemon!.argv).toEqual(['/bin/d', '--conf', '/etc/my d.conf', '-a', '-b', 'x y']);
  });

  it('command_args_foreground is added under supervise-daemon and s6, not under start-stop-daemon', () => {
    const body = (sup: string) => `supervisor=${sup}\ncommand=/bin/d\ncommand_args=-v\ncommand_args_foreground=--nofork\ncommand_args_background=--fork\n`;
    expect(run(body('supervise-daemon')).service.run.daemon!.argv).toEqual(['/bin/d', '-v', '--nofork']);
    expect(run(body('s6')).service.run.daemon!.argv).toEqual(['/bin/d', '-v', '--nofork']);
    expect(run(body('start-stop-daemon')).service.run.daemon!.argv).toEqual(['/bin/d', '-v', '--fork']);
  });

  it('command_args_background is added when no supervisor is named (start-stop-daemon is the default)', () => {
    const { service } = run('command=/bin/d\ncommand_args_background="--pidfile /run/d.pid"\n');
    expect(service.run.daemon!.argv).toEqual(['/bin/d', '--pidfile', '/run/d.pid']);
  });

  it('command_background and supervisor are recorded in the evidence', () => {
    const { evidence, file } = run('command=/bin/d\ncommand_background=yes\nsupervisor="supervise-daemon"\n');
    expect(evidence.vars['command_background']).toEqual({ value: 'yes', origin: { file, line: 3 } });
    expect(evidence.vars['supervisor']!.value).toBe('supervise-daemon');
  });

  it('command_user user:group fills user and group; a bare user fills only user', () => {
    const a = run('command=/bin/d\ncommand_user="nobody:nogroup"\n').service.run;
    expect(a.user!.name).toBe('nobody');
    expect(a.group!.name).toBe('nogroup');
    const b = run('command=/bin/d\ncommand_user=daemon\n').service.run;
    expect(b.user!.name).toBe('daemon');
    expect(b.group).toBeUndefined();
  });

  it('pidfile, directory, chroot and umask map to RunFacts', () => {
    const { service } = run('command=/bin/d\npidfile=/run/${RC_SVCNAME}.pid\ndirectory=/var/lib/d\nchroot=/srv/jail\numask=0027\n', { name: 'dd' });
    expect(service.run.pidfile!.path).toBe('/run/dd.pid');
    expect(service.run.workdir!.path).toBe('/var/lib/d');
    expect(service.run.chroot!.path).toBe('/srv/jail');
    expect(service.run.umask!.value).toBe('0027');
  });

  it('retry gives the stop signal and timeout; stopsig wins for the signal', () => {
    const a = run('command=/bin/d\nretry="SIGINT/15/SIGKILL/5"\n').service.run;
    expect(a.stopSignal!.name).toBe('INT');
    expect(a.timeoutStop!.ms).toBe(15000);
    const b = run('command=/bin/d\nretry=TERM/30/KILL/5\nstopsig=SIGUSR1\n').service.run;
    expect(b.stopSignal!.name).toBe('USR1');
    const c = run('command=/bin/d\nretry=10\n').service.run;
    expect(c.stopSignal).toBeUndefined();
    expect(c.timeoutStop!.ms).toBe(10000);
  });

  it.each([
    ['respawn_delay=3', 'openrc-respawn'],
    ['respawn_max=10', 'openrc-respawn'],
    ['respawn_period=60', 'openrc-respawn'],
    ['output_log=/var/log/d.log', 'openrc-output-log'],
    ['error_log=/var/log/d.err', 'openrc-output-log'],
    ['capabilities="^cap_net_raw"', 'openrc-capabilities'],
    ['required_files="/etc/d.conf /etc/d.key"', 'openrc-required-paths'],
    ['required_dirs=/var/lib/d', 'openrc-required-paths'],
    ['extra_commands="checkconfig"', 'openrc-extra-commands'],
    ['extra_started_commands="reload"', 'openrc-extra-commands'],
    ['no_new_privs=yes', 'openrc-no-new-privs'],
    ['no_new_privs=no', 'openrc-no-new-privs'], // OpenRC tests for non-empty: "no" enables it too
    ['secbits=noroot', 'openrc-secbits'],
    ['rc_cgroup_memory="memory.max 512M"', 'openrc-cgroup'],
  ])('%s is recorded with a finding %s', (line, code) => {
    const { service, evidence } = run(`command=/bin/d\n${line}\n`);
    const name = line.split('=')[0]!;
    expect(evidence.vars[name]).toBeDefined();
    expect(evidence.vars[name]!.origin.line).toBe(3);
    expect(codes(service)).toContain(code);
  });

  it('display and matching names (name, procname) need no finding: s6 supervises the process itself', () => {
    const { service, evidence } = run('command=/bin/d\nname="Food"\nprocname=food\nno_new_privs=\n');
    expect(evidence.vars['procname']!.value).toBe('food');
    expect(codes(service).filter((c) => c.startsWith('openrc-'))).toEqual([]);
  });

  it('description and name: description fills Service.description', () => {
    const { service, evidence } = run('description="Food daemon"\nname="food"\ncommand=/bin/d\n');
    expect(service.description).toBe('Food daemon');
    expect(evidence.vars['name']!.value).toBe('food');
  });

  it('notify and timeout_kill are kept for the upgrade stage', () => {
    const { evidence } = run('command=/bin/d\nnotify=fd:3\ntimeout_kill=5000\n');
    expect(evidence.vars['notify']!.value).toBe('fd:3');
    expect(evidence.vars['timeout_kill']!.value).toBe('5000');
  });

  it('start_stop_daemon_args: --user, --chdir, --env map; other options are reported', () => {
    const { service } = run('command=/bin/d\nstart_stop_daemon_args="--user www:www --chdir /srv -e LANG=C --nicelevel 5 -b"\n');
    expect(service.run.user!.name).toBe('www');
    expect(service.run.group!.name).toBe('www');
    expect(service.run.workdir!.path).toBe('/srv');
    expect(service.run.env['LANG']!.value).toBe('C');
    const f = service.findings.find((x) => x.code === 'openrc-daemon-args')!;
    expect(f.message).toContain('--nicelevel 5');
    expect(f.message).toContain('-b');
  });

  it('rc_ulimit becomes s6-softlimit limits', () => {
    const { service } = run('command=/bin/d\nrc_ulimit="-n 4096 -c unlimited"\n');
    expect(service.run.limits!.value).toEqual({ o: '4096', c: '=' });
  });

  it('exported variables become the environment; plain ones do not', () => {
    const { service } = run('export LANG=C.UTF-8\nTZ=UTC\nexport TZ\nPLAIN=1\ncommand=/bin/d\n');
    expect(Object.keys(service.run.env).sort()).toEqual(['LANG', 'TZ']);
    expect(service.run.env['TZ']!.value).toBe('UTC');
  });

  it('wrapper runs the script with --nodeps; format and sources are set', () => {
    const { service } = run('command=/bin/d\n', { name: 'food' });
    expect(service.wrapper).toEqual({ kind: 'oneshot', up: [['/etc/init.d/food', '--nodeps', 'start']], down: [['/etc/init.d/food', '--nodeps', 'stop']] });
    expect(service.format).toBe('openrc');
    expect(service.sources).toHaveLength(1);
    expect(service.sources[0]!.systemPath).toBe('/etc/init.d/food');
  });
});

describe('expansions', () => {
  it('${VAR:-default} and ${VAR-default} differ on an empty value', () => {
    const { evidence } = run('e=\na=${e:-dflt}\nb=${e-dflt}\nc=${unset_v-dflt}\ncommand=/bin/d\n');
    expect(evidence.vars['a']!.value).toBe('dflt');
    expect(evidence.vars['b']!.value).toBe('');
    expect(evidence.vars['c']!.value).toBe('dflt');
  });

  it('$VAR, ${VAR}, quoted default words, ${VAR:+alt}', () => {
    const { evidence } = run('x=one\na=$x-${x}\nb="${nothing:-"two words"}"\nc=${x:+set}${nothing:+no}\ncommand=/bin/d\n');
    expect(evidence.vars['a']!.value).toBe('one-one');
    expect(evidence.vars['b']!.value).toBe('two words');
    expect(evidence.vars['c']!.value).toBe('set');
  });

  it('RC_SVCNAME and SVCNAME are the script name; ${RC_SVCNAME#*.} strips the instance prefix', () => {
    const { evidence } = run('a=${RC_SVCNAME}\nb=$SVCNAME\nport=${RC_SVCNAME#*.}\nbase=${RC_SVCNAME%%.*}\ncommand=/bin/d\n', { name: 'getty.ttyS0' });
    expect(evidence.vars['a']!.value).toBe('getty.ttyS0');
    expect(evidence.vars['b']!.value).toBe('getty.ttyS0');
    expect(evidence.vars['port']!.value).toBe('ttyS0');
    expect(evidence.vars['base']!.value).toBe('getty');
    // Built-ins are not reported as the script's own variables.
    expect(evidence.vars['RC_SVCNAME']).toBeUndefined();
  });

  it('a word only the running shell knows stays as written, with a finding', () => {
    const { service } = run('command=/bin/d\ncommand_args="--host $(hostname) --lvl ${RC_RUNLEVEL}"\n');
    expect(service.run.daemon!.argv).toEqual(['/bin/d', '--host', '$(hostname)', '--lvl', '${RC_RUNLEVEL}']);
    const f = service.findings.find((x) => x.code === 'openrc-unresolved-word')!;
    expect(f.message).toContain('$(hostname)');
    expect(f.message).toContain('${RC_RUNLEVEL}');
  });

  it('a variable set nowhere expands to nothing, with a finding naming it', () => {
    const { service } = run('command=/bin/d\ncommand_args="${EXTRA_OPTS} -f"\n');
    expect(service.run.daemon!.argv).toEqual(['/bin/d', '-f']);
    expect(service.findings.find((x) => x.code === 'openrc-unset-variable')!.message).toContain('EXTRA_OPTS');
  });

  it('a top-level assignment under if is taken, with a finding', () => {
    const { service } = run('command=/bin/d\nif [ -e /x ]; then\n\tcommand_args=--x\nfi\n');
    expect(service.run.daemon!.argv).toEqual(['/bin/d', '--x']);
    expect(service.findings.find((x) => x.code === 'openrc-conditional-variable')!.origin.line).toBe(4);
  });

  it('assignments inside functions do not configure the service but are reported when they touch run variables', () => {
    const { service, evidence } = run('command=/bin/d\nstart_pre() {\n\tcommand_args="--late"\n\tlocal tmp=1\n}\n');
    expect(service.run.daemon!.argv).toEqual(['/bin/d']);
    expect(evidence.vars['command_args']).toBeUndefined();
    expect(evidence.vars['tmp']).toBeUndefined();
    expect(service.findings.find((x) => x.code === 'openrc-runtime-variable')!.origin.line).toBe(4);
  });
});
