/** start-stop-daemon and start_daemon calls: every option form of start-stop-daemon(8) the importer reads. */
import { describe, expect, it } from 'vitest';
import { findDaemonCalls, parseSsdArgs, stopFromRetry } from '../../../importers/sysv/start-stop-daemon.js';
import { evalAssignments, ShellEnv } from '../../../importers/sysv/shell-vars.js';
import { collectDaemonFacts } from '../../../importers/sysv/daemon-facts.js';
import { emptyRunFacts } from '../../../src/model/service.js';

function calls(text: string) {
  const env = new ShellEnv({ '0': '/etc/init.d/x' });
  env.noteDynamicNames(text);
  evalAssignments(text, 'x', env);
  return findDaemonCalls(text, 'x', env);
}
const one = (line: string, vars = '') => {
  const found = calls(`${vars}\n${line}\n`);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe('option forms', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['--exec', 'start-stop-daemon --start --exec /usr/sbin/d', { exec: '/usr/sbin/d' }],
    ['-x', 'start-stop-daemon -S -x /usr/sbin/d', { exec: '/usr/sbin/d' }],
    ['--startas', 'start-stop-daemon --start --startas /usr/bin/wrapper', { startas: '/usr/bin/wrapper' }],
    ['-a', 'start-stop-daemon -S -a /usr/bin/wrapper', { startas: '/usr/bin/wrapper' }],
    ['--pidfile v', 'start-stop-daemon --start --pidfile /run/d.pid -x /d', { pidfile: '/run/d.pid' }],
    ['--pidfile=v', 'start-stop-daemon --start --pidfile=/run/d.pid -x /d', { pidfile: '/run/d.pid' }],
    ['-p', 'start-stop-daemon -S -p /run/d.pid -x /d', { pidfile: '/run/d.pid' }],
    ['-pVALUE glued', 'start-stop-daemon -S -p/run/d.pid -x /d', { pidfile: '/run/d.pid' }],
    ['--chuid', 'start-stop-daemon --start --chuid daemon:adm -x /d', { chuid: 'daemon:adm' }],
    ['-c', 'start-stop-daemon -S -c daemon -x /d', { chuid: 'daemon' }],
    ['--group', 'start-stop-daemon --start --group adm -x /d', { group: 'adm' }],
    ['-g', 'start-stop-daemon -S -g adm -x /d', { group: 'adm' }],
    ['--background', 'start-stop-daemon --start --background -x /d', { background: true }],
    ['-b', 'start-stop-daemon -S -b -x /d', { background: true }],
    ['--make-pidfile', 'start-stop-daemon --start --make-pidfile -x /d', { makePidfile: true }],
    ['-m', 'start-stop-daemon -S -m -x /d', { makePidfile: true }],
    ['clustered -Sbmq', 'start-stop-daemon -Sbmq -x /d', { background: true, makePidfile: true, exec: '/d' }],
    ['--chdir', 'start-stop-daemon --start --chdir /srv -x /d', { chdir: '/srv' }],
    ['-d', 'start-stop-daemon -S -d /srv -x /d', { chdir: '/srv' }],
    ['--umask', 'start-stop-daemon --start --umask 022 -x /d', { umask: '022' }],
    ['-k', 'start-stop-daemon -S -k 077 -x /d', { umask: '077' }],
    ['--name', 'start-stop-daemon --start --name dd -x /d', { procName: 'dd' }],
    ['-n', 'start-stop-daemon -S -n dd -x /d', { procName: 'dd' }],
    ['--user', 'start-stop-daemon --start --user www -x /d', { matchUser: 'www' }],
    ['-u', 'start-stop-daemon -S -u www -x /d', { matchUser: 'www' }],
    ['--nicelevel', 'start-stop-daemon --start --nicelevel 5 -x /d', { nicelevel: '5' }],
    ['-N', 'start-stop-daemon -S -N 5 -x /d', { nicelevel: '5' }],
    ['--chroot', 'start-stop-daemon --start --chroot /jail -x /d', { chroot: '/jail' }],
    ['--notify-await', 'start-stop-daemon --start --notify-await -x /d', { notifyAwait: true }],
    ['unique long prefix --pidf', 'start-stop-daemon --start --pidf /run/p -x /d', { pidfile: '/run/p' }],
    ['/sbin/start-stop-daemon', '/sbin/start-stop-daemon --start -x /d', { exec: '/d', via: 'start-stop-daemon' }],
  ];
  for (const [what, line, expected] of cases) {
    it(what, () => {
      const f = one(line);
      expect(f.action).toBe('start');
      expect(f.call).toMatchObject(expected);
    });
  }

  it('flags that change nothing we record are still parsed, not taken as arguments', () => {
    const f = one('start-stop-daemon --start --quiet -q --oknodo -o --verbose --remove-pidfile --signal TERM -s HUP --retry 5 -R 5 -x /d');
    expect(f.call.args).toEqual([]);
    expect(f.unknownOptions).toEqual([]);
  });

  it('--test / -t marks a probe', () => {
    expect(one('start-stop-daemon --start --test -x /d > /dev/null').test).toBe(true);
    expect(one('start-stop-daemon -S -t -x /d').test).toBe(true);
    expect(one('start-stop-daemon -S -x /d').test).toBe(false);
  });

  it('arguments after --, variables expanded and split, redirections dropped', () => {
    const f = one('start-stop-daemon --start --exec $DAEMON -- -c "$CONF" $OPTS > /dev/null 2>&1', 'DAEMON=/usr/sbin/d\nCONF="/etc/d d.conf"\nOPTS="-v -x"');
    expect(f.call.exec).toBe('/usr/sbin/d');
    expect(f.call.args).toEqual(['-c', '/etc/d d.conf', '-v', '-x']);
    expect(f.call.unresolved).toBe(false);
  });

  it('joins backslash continuations; line is where the call starts', () => {
    const found = calls('X=1\n\tstart-stop-daemon --start \\\n\t\t--pidfile /run/p \\\n\t\t--exec /d -- a\n');
    expect(found[0]!.call).toMatchObject({ pidfile: '/run/p', exec: '/d', args: ['a'], origin: { file: 'x', line: 2 } });
  });

  it('stop and status calls are recognised as such', () => {
    expect(one('start-stop-daemon --stop --retry=TERM/30/KILL/5 --pidfile /p').action).toBe('stop');
    expect(one('start-stop-daemon -K -p /p').action).toBe('stop');
    expect(one('start-stop-daemon --status -p /p').action).toBe('other');
  });

  it('an unknown variable marks the call unresolved and keeps its text', () => {
    const f = one('start-stop-daemon --start --exec /d -- $1 "$@"');
    expect(f.call.unresolved).toBe(true);
    expect(f.call.args).toEqual(['$1', '$@']);
    expect(f.unresolvedParts.has('--')).toBe(true);
  });

  it('a function definition named start_daemon is not a call', () => {
    expect(calls('start_daemon () {\n  :\n}\n')).toEqual([]);
  });

  it('lsb init-functions start_daemon [-f] [-n nice] [-p pidfile] [--] path args', () => {
    const f = one('start_daemon -f -n 5 -p /run/c.pid -- /usr/sbin/cron -l', '');
    expect(f.call).toMatchObject({ via: 'start_daemon', exec: '/usr/sbin/cron', pidfile: '/run/c.pid', nicelevel: '5', args: ['-l'] });
  });

  it('getopt permutes non-options before -- into the arguments', () => {
    expect(parseSsdArgs([{ text: '-S', unresolved: false }, { text: 'arg', unresolved: false }, { text: '-b', unresolved: false }]).args.map((a) => a.text)).toEqual(['arg']);
  });
});

describe('run facts from the calls', () => {
  const script = [
    'NAME=webd', 'DAEMON=/usr/sbin/webd', 'PIDFILE=/run/webd.pid', 'ARGS="-f --port 80"',
    'do_start() {',
    '  start-stop-daemon --start --quiet --pidfile $PIDFILE --exec $DAEMON --test > /dev/null || return 1',
    '  start-stop-daemon --start --quiet --pidfile $PIDFILE --chuid www:web --chdir /srv --umask 027 --exec $DAEMON -- $ARGS || return 2',
    '}',
    'do_stop() { start-stop-daemon --stop --retry=TERM/20/KILL/5 --pidfile $PIDFILE; }',
    'do_reload() { start-stop-daemon --stop --signal 1 --pidfile $PIDFILE; }',
    '',
  ].join('\n');

  it('the main start call fills argv, pidfile, user, group, workdir, umask; the probe is skipped', () => {
    const env = new ShellEnv();
    env.noteDynamicNames(script);
    evalAssignments(script, 'x', env);
    const run = emptyRunFacts();
    const facts = collectDaemonFacts(script, 'x', env, run, false);
    expect(facts.ssdStarts).toHaveLength(1);
    expect(run.daemon).toEqual({ argv: ['/usr/sbin/webd', '-f', '--port', '80'], origin: { file: 'x', line: 7 } });
    expect(run.pidfile?.path).toBe('/run/webd.pid');
    expect([run.user?.name, run.group?.name, run.workdir?.path, run.umask?.value]).toEqual(['www', 'web', '/srv', '027']);
    expect(run.stopSignal?.name).toBe('TERM');
    expect(run.timeoutStop?.ms).toBe(20000);
  });

  it('an unresolved daemon command is not recorded; a finding says why', () => {
    const text = 'f() { D=$(which d); }\nstart-stop-daemon --start --exec $D\n';
    const env = new ShellEnv();
    env.noteDynamicNames(text);
    evalAssignments(text, 'x', env);
    const run = emptyRunFacts();
    const facts = collectDaemonFacts(text, 'x', env, run, false);
    expect(run.daemon).toBeUndefined();
    expect(facts.findings.map((f) => f.code)).toEqual(['sysv-daemon-unresolved']);
    expect(facts.findings[0]!.message).toContain('$D');
  });

  it('--retry schedules give the stop signal and timeout', () => {
    expect(stopFromRetry('TERM/30/KILL/5', undefined)).toEqual({ signal: 'TERM', timeoutMs: 30000 });
    expect(stopFromRetry('5', 'INT')).toEqual({ signal: 'INT', timeoutMs: 5000 });
    expect(stopFromRetry('SIGQUIT/10', undefined)).toEqual({ signal: 'QUIT', timeoutMs: 10000 });
  });
});
