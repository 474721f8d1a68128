import { describe, expect, it } from 'vitest';
import { inferForeground, type ForegroundProposal } from '../../src/upgrade/foreground.js';
import { systemdArgv } from '../../src/s6rc/systemd-expand.js';
import { openrc, service, ssd, sysv, unit } from './build.js';

function ok(r: ReturnType<typeof inferForeground>): ForegroundProposal {
  if (!r.ok) throw new Error(`refused: ${r.code}: ${r.reason}`);
  return r;
}

describe('foreground inference: OpenRC', () => {
  it('supervise-daemon runs command + command_args + command_args_foreground (supervise-daemon.sh, s6.sh)', () => {
    const s = service('agetty.tty1', [openrc('agetty.tty1', { supervisor: 'supervise-daemon', command: '/sbin/agetty', command_args: '--noclear', command_args_foreground: "-8 'tty 1' 38400 linux" })]);
    const r = ok(inferForeground(s));
    expect(r.argv).toEqual(['/sbin/agetty', '--noclear', '-8', 'tty 1', '38400', 'linux']);
    expect(r.evidence).toBe('openrc');
    expect(r.confidence).toBe('high');
  });

  it('command_args is kept with command_args_foreground, and RunFacts.daemon (same argv) adds nothing twice', () => {
    const o = { file: '/etc/init.d/sshd', line: 2 };
    const s = service('sshd', [openrc('sshd', { command: '/usr/sbin/sshd', command_args: '-f /etc/ssh/alt_config', command_args_foreground: '-D' })], {
      run: { env: {}, envFiles: [], daemon: { argv: ['/usr/sbin/sshd', '-f', '/etc/ssh/alt_config', '-D'], origin: o } },
    });
    const r = ok(inferForeground(s));
    expect(r.argv).toEqual(['/usr/sbin/sshd', '-f', '/etc/ssh/alt_config', '-D']);
    expect(r.evidence).toBe('openrc');
    expect(r.conflicts).toEqual([]);
  });

  it('command_background=yes means the command itself stays in the foreground', () => {
    const s = service('foo', [openrc('foo', { command: '/usr/bin/foo', command_args: '--port 80', command_background: 'yes', pidfile: '/run/foo.pid' })]);
    const r = ok(inferForeground(s));
    expect(r.argv).toEqual(['/usr/bin/foo', '--port', '80']);
    expect(r.evidence).toBe('openrc');
  });

  it('a forking OpenRC command goes through the daemon table', () => {
    const s = service('sshd', [openrc('sshd', { command: '/usr/sbin/sshd', command_args: '-o UseDNS=no' })]);
    const r = ok(inferForeground(s));
    expect(r.argv).toEqual(['/usr/sbin/sshd', '-D', '-o', 'UseDNS=no']);
    expect(r.evidence).toBe('table');
    expect(r.reasons.join(' ')).toMatch(/sshd\(8\)/);
  });

  it('notify=fd:N becomes the notification fd, as in OpenRC s6 backend', () => {
    const s = service('d', [openrc('d', { supervisor: 's6', command: '/usr/bin/d', command_args: '-n 4', notify: 'fd:4' })]);
    expect(ok(inferForeground(s)).readiness.notificationFd).toBe(4);
  });

  it('unresolvable shell syntax in the arguments makes it low confidence', () => {
    const s = service('d', [openrc('d', { command_background: 'true', command: '/usr/bin/d', command_args: '$(cat /etc/d.args)' })]);
    expect(ok(inferForeground(s)).confidence).toBe('low');
  });
});

describe('foreground inference: start-stop-daemon', () => {
  it('--background: the daemon itself is the foreground command', () => {
    const s = service('vsftpd', [sysv('vsftpd', [ssd({ exec: '/usr/sbin/vsftpd', background: true, makePidfile: true })])]);
    const r = ok(inferForeground(s));
    expect(r.argv).toEqual(['/usr/sbin/vsftpd']);
    expect(r.evidence).toBe('ssd-background');
    expect(r.confidence).toBe('high');
  });

  it('--startas wins over --exec and the --test call without arguments is ignored', () => {
    const s = service('x', [sysv('x', [ssd({ exec: '/usr/bin/x', background: true }), ssd({ exec: '/usr/bin/x', startas: '/usr/bin/x', background: true, args: ['-c', '/etc/x.conf'] })])]);
    expect(ok(inferForeground(s)).argv).toEqual(['/usr/bin/x', '-c', '/etc/x.conf']);
  });

  it('a forking daemon known to the table gets its foreground flag', () => {
    const s = service('cron', [sysv('cron', [ssd({ exec: '/usr/sbin/cron', args: ['-L', '1'] })])]);
    const r = ok(inferForeground(s));
    expect(r.argv).toEqual(['/usr/sbin/cron', '-f', '-L', '1']);
    expect(r.evidence).toBe('table');
  });

  it('unresolved variables lower the confidence to low', () => {
    const s = service('x', [sysv('x', [ssd({ exec: '/usr/bin/x', background: true, unresolved: true, args: ['-a'] })])]);
    expect(ok(inferForeground(s)).confidence).toBe('low');
  });

  it('an unknown forking daemon is refused with the reason', () => {
    const s = service('mystery', [sysv('mystery', [ssd({ exec: '/usr/sbin/mysteryd' })])]);
    const r = inferForeground(s);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('forks-unknown');
      expect(r.reason).toMatch(/mysteryd/);
    }
  });

  it('a job runner from the table is refused as not a daemon', () => {
    const s = service('anacron', [sysv('anacron', [ssd({ exec: '/usr/sbin/anacron', args: ['-s'] })])]);
    const r = inferForeground(s);
    expect(r.ok ? 'ok' : r.code).toBe('not-a-daemon');
  });

  it('a program chosen at run time ($CMD) is refused, and so are job runners like rpc.nfsd', () => {
    const r = inferForeground(service('postfix', [sysv('postfix', [ssd({ exec: '$CMD', args: ['start'] })])]));
    expect(r.ok ? 'ok' : r.code).toBe('unresolved-command');
    const n = inferForeground(service('nfs', [sysv('nfs', [ssd({ exec: '/usr/sbin/rpc.nfsd', args: ['8'] })])]));
    expect(n.ok ? 'ok' : n.code).toBe('not-a-daemon');
  });

  it('a script with custom logic and no daemon is refused', () => {
    const r = inferForeground(service('procps', [sysv('procps', [])]));
    expect(r.ok ? 'ok' : r.code).toBe('no-daemon-command');
  });
});

describe('foreground inference: systemd', () => {
  it('Type=notify ExecStart is used and sd_notify is reported as not carried over', () => {
    const s = service('tgt', [unit('tgt', 'notify', ['/usr/sbin/tgtd', '-f'])]);
    const r = ok(inferForeground(s));
    expect(r.argv).toEqual(['/usr/sbin/tgtd', '-f']);
    expect(r.evidence).toBe('systemd');
    expect(r.readiness.notificationFd).toBeUndefined();
    expect(r.readiness.notCarried.join(' ')).toMatch(/sd_notify/);
  });

  it('Type=simple (the default) is foreground; Type=forking goes through the table', () => {
    expect(ok(inferForeground(service('m', [unit('m', undefined, ['/usr/bin/motion'])]))).evidence).toBe('systemd');
    const r = ok(inferForeground(service('chrony', [unit('chrony', 'forking', ['/usr/sbin/chronyd', '-F', '1'])])));
    expect(r.argv).toEqual(['/usr/sbin/chronyd', '-n', '-F', '1']);
    expect(r.evidence).toBe('table');
  });

  it('Type=oneshot stays a oneshot', () => {
    const r = inferForeground(service('ufw', [unit('ufw', 'oneshot', ['/lib/ufw/ufw-init', 'start'])]));
    expect(r.ok ? 'ok' : r.code).toBe('runs-to-completion');
  });

  it('$VAR in ExecStart is expanded at start by /bin/sh, globbing off', () => {
    const r = ok(inferForeground(service('cron', [unit('cron', 'simple', ['/usr/sbin/cron', '-f', '$EXTRA_OPTS'])])));
    expect(r.argv).toEqual(['/bin/sh', '-c', "set -f; exec '/usr/sbin/cron' '-f' $EXTRA_OPTS"]);
    expect(r.reasons.join(' ')).toMatch(/\$EXTRA_OPTS/);
  });

  it('systemdArgv: ${X} inside a word is one quoted expansion; $$ is a literal dollar', () => {
    expect(systemdArgv(['/bin/x', '--a=${A}b', "it's", '$$HOME'], false).argv).toEqual(['/bin/sh', '-c', `set -f; exec '/bin/x' '--a='"\${A}"'b' 'it'\\''s' '$HOME'`]);
    expect(systemdArgv(['/bin/x', '$A', '$$'], true).argv).toEqual(['/bin/x', '$A', '$$']);
    expect(systemdArgv(['/bin/x', 'a$$b'], false).argv).toEqual(['/bin/x', 'a$b']);
  });

  it('dbus-daemon gets --nofork kept and readiness on fd 3 from the table', () => {
    const r = ok(inferForeground(service('dbus', [sysv('dbus', [ssd({ exec: '/usr/bin/dbus-daemon', args: ['--system'] })])])));
    expect(r.argv).toEqual(['/usr/bin/dbus-daemon', '--print-address=3', '--nofork', '--nopidfile', '--system']);
    expect(r.readiness.notificationFd).toBe(3);
  });

  it('a command naming systemd (socket activation) is low confidence', () => {
    const r = ok(inferForeground(service('uuidd', [unit('uuidd', 'simple', ['/usr/sbin/uuidd', '--socket-activation', '--address=systemd:'])])));
    expect(r.confidence).toBe('low');
  });
});

describe('foreground inference: contradicting evidence', () => {
  it('unit and script run different programs: the unit wins by priority, confidence drops, conflict reported', () => {
    const s = service('mariadb', [
      sysv('mariadb', [ssd({ exec: '/usr/bin/mysqld_safe', background: true })]),
      unit('mariadb', 'notify', ['/usr/sbin/mariadbd']),
    ]);
    const r = ok(inferForeground(s));
    expect(r.argv).toEqual(['/usr/sbin/mariadbd']);
    expect(r.evidence).toBe('systemd');
    expect(r.confidence).toBe('medium');
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatch(/mysqld_safe/);
  });

  it('same program with other arguments is reported but keeps the confidence', () => {
    const s = service('cron', [
      sysv('cron', [ssd({ exec: '/usr/sbin/cron', args: ['-L', '1'] })]),
      unit('cron', 'simple', ['/usr/sbin/cron', '-f']),
    ]);
    const r = ok(inferForeground(s));
    expect(r.argv).toEqual(['/usr/sbin/cron', '-f']);
    expect(r.confidence).toBe('high');
    expect(r.conflicts[0]).toMatch(/other arguments/);
  });

  it('OpenRC foreground declaration beats a systemd unit', () => {
    const s = service('d', [openrc('d', { supervisor: 's6', command: '/usr/bin/d' }), unit('d', 'simple', ['/usr/bin/d2'])]);
    const r = ok(inferForeground(s));
    expect(r.argv).toEqual(['/usr/bin/d']);
    expect(r.confidence).toBe('medium');
  });

  it('a oneshot unit contradicting a daemon script lowers the confidence', () => {
    const s = service('x', [sysv('x', [ssd({ exec: '/usr/bin/x', background: true })]), unit('x', 'oneshot', ['/usr/bin/x-init'])]);
    const r = ok(inferForeground(s));
    expect(r.confidence).toBe('medium');
    expect(r.conflicts.join(' ')).toMatch(/Type=oneshot/);
  });

  it('the user command overrides every source', () => {
    const s = service('mystery', [sysv('mystery', [ssd({ exec: '/usr/sbin/mysteryd' })])]);
    const r = ok(inferForeground(s, { command: ['/usr/sbin/mysteryd', '--fg'] }));
    expect(r).toMatchObject({ argv: ['/usr/sbin/mysteryd', '--fg'], evidence: 'user', confidence: 'high' });
  });
});

describe('daemon table edge cases', () => {
  it('vsftpd without --background needs its config: low', () => {
    const r = ok(inferForeground(service('vsftpd', [sysv('vsftpd', [ssd({ exec: '/usr/sbin/vsftpd' })])])));
    expect(r.confidence).toBe('low');
    expect(r.argv).toEqual(['/usr/sbin/vsftpd', '-obackground=NO']);
  });
  it('openvpn: --daemon and its optional name are removed; exim -bd becomes -bdf', () => {
    expect(ok(inferForeground(service('o', [sysv('o', [ssd({ exec: '/usr/sbin/openvpn', args: ['--daemon', 'ovpn-x', '--config', 'x.conf'] })])]))).argv)
      .toEqual(['/usr/sbin/openvpn', '--config', 'x.conf']);
    expect(ok(inferForeground(service('exim4', [sysv('exim4', [ssd({ exec: '/usr/sbin/exim4', args: ['-bd', '-q30m'] })])]))).argv)
      .toEqual(['/usr/sbin/exim4', '-bdf', '-q30m']);
  });
  it('a foreground flag already present is not added twice', () => {
    expect(ok(inferForeground(service('r', [sysv('r', [ssd({ exec: '/usr/sbin/rsyslogd', args: ['-n', '-iNONE'] })])]))).argv).toEqual(['/usr/sbin/rsyslogd', '-n', '-iNONE']);
  });
});
