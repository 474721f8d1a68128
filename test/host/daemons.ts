/**
 * The real daemons of the test host (scripts/host-root.sh installs them) and how the boot test sees each
 * one for real: its process, a protocol answer on its port or socket, and what the host's own init would
 * have run. Probes are bash scripts run inside the booted host; exit 0 is an answer.
 */
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BootedHost } from './namespace.js';

export interface Daemon {
  /** Init script name = unit name without .service = the s6-rc service convert writes. */
  name: string;
  /** The daemon's process name (comm). */
  comm: string;
  /** The unit systemd would start (exim4 has only an init script: systemd runs it through its sysv generator). */
  unit: string;
  probe: string;
}

// One TCP exchange: send $2 (printf format) to 127.0.0.1:$1, succeed if the first line matches $3.
const tcp = `tcp() { exec 3<>/dev/tcp/127.0.0.1/$1 || return 1; [ -z "$2" ] || printf "$2" >&3; local l; read -r -t 5 l <&3; exec 3<&-; [[ $l == $3 ]]; }`;

export const DAEMONS: Daemon[] = [
  { name: 'ssh', comm: 'sshd', unit: 'ssh.service', probe: `${tcp}; tcp 22 '' 'SSH-2.0-*'` },
  { name: 'nginx', comm: 'nginx', unit: 'nginx.service', probe: `${tcp}; tcp 80 'GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' 'HTTP/1.? 200*'` },
  {
    name: 'rsyslog',
    comm: 'rsyslogd',
    unit: 'rsyslog.service',
    // A line through /dev/log that lands where Debian's rsyslog.conf writes everything.
    probe: `t=s6m-probe-$RANDOM$RANDOM; logger -t s6m "$t"; for i in $(seq 30); do grep -qs "$t" /var/log/syslog && exit 0; sleep 0.1; done; exit 1`,
  },
  {
    name: 'cron',
    comm: 'cron',
    unit: 'cron.service',
    // cron answers no protocol: running, and it has read its spool (the job in /etc/cron.d, see
    // cronJobRan for the job itself running).
    probe: `pid=$(pgrep -xo cron) && ls -l /proc/$pid/cwd >/dev/null && [ -r /etc/cron.d/s6m-probe ]`,
  },
  { name: 'memcached', comm: 'memcached', unit: 'memcached.service', probe: `${tcp}; tcp 11211 'version\\r\\n' 'VERSION *'` },
  { name: 'chrony', comm: 'chronyd', unit: 'chrony.service', probe: `timeout 5 chronyc -n tracking | grep -q '^Reference ID'` },
  {
    name: 'dbus',
    comm: 'dbus-daemon',
    unit: 'dbus.service',
    probe: `timeout 5 dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId | grep -q string`,
  },
  { name: 'redis-server', comm: 'redis-server', unit: 'redis-server.service', probe: `${tcp}; tcp 6379 'PING\\r\\n' '+PONG*'` },
  { name: 'exim4', comm: 'exim4', unit: 'exim4.service', probe: `${tcp}; tcp 25 'QUIT\\r\\n' '220 *'` },
];

export function probe(host: BootedHost, d: Daemon): boolean {
  return host.sh(d.probe, 15_000).status === 0;
}

/** Pids of the daemon's processes inside the host. */
export function pidsOf(host: BootedHost, d: Daemon): number[] {
  const r = host.run(['pgrep', '-x', d.comm]);
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

/** The every-minute job of /etc/cron.d/s6m-probe (it touches a file) ran at or after `sinceEpoch` (s). */
export function cronJobRan(host: BootedHost, sinceEpoch: number): boolean {
  try {
    return statSync(`${host.root}/var/tmp/s6m-cron-ran`).mtimeMs >= sinceEpoch * 1000;
  } catch {
    return false;
  }
}

/**
 * Would the host's own init run this daemon? sysvinit: an S link in rcS.d or the default runlevel's
 * rc2.d to an executable script (what /etc/init.d/rc runs). systemd: the unit is in multi-user.target's
 * closure (systemUnitsStarted), or a socket there activates it.
 */
export function initRuns(host: BootedHost, variant: 'sysv' | 'systemd', d: Daemon, systemdClosure: Set<string>): boolean {
  if (variant === 'sysv') {
    const r = host.sh(`for l in /etc/rc2.d/S??${d.name} /etc/rcS.d/S??${d.name}; do [ -x "$l" ] && exit 0; done; exit 1`);
    return r.status === 0;
  }
  return systemdClosure.has(d.unit) || systemdClosure.has(d.unit.replace(/\.service$/, '.socket'));
}

const UNIT_DIRS = ['etc/systemd/system', 'lib/systemd/system'];

function unitFile(root: string, unit: string): string | undefined {
  for (const dir of UNIT_DIRS) {
    const f = join(root, dir, unit);
    if (existsSync(f)) return f;
  }
  return undefined;
}

/**
 * The units systemd starts to reach multi-user.target on this root, read from what systemd reads: the
 * .wants/ and .requires/ links in /etc and /lib, Wants= and Requires= of each unit, and the units its
 * sysv generator makes for init scripts without a unit that have an S link in rc2.d-rc5.d (wanted by
 * multi-user.target). Units masked to /dev/null are not started.
 */
export function systemdClosure(root: string): Set<string> {
  const generated = new Set<string>();
  const initd = join(root, 'etc/init.d');
  for (const script of existsSync(initd) ? readdirSync(initd) : []) {
    if (unitFile(root, `${script}.service`)) continue;
    const linked = ['2', '3', '4', '5'].some((n) => {
      const dir = join(root, `etc/rc${n}.d`);
      return existsSync(dir) && readdirSync(dir).some((l) => l === `S${l.slice(1, 3)}${script}` && /^S\d\d/.test(l));
    });
    if (linked) generated.add(`${script}.service`);
  }
  const seen = new Set<string>();
  const queue = ['multi-user.target'];
  while (queue.length) {
    const unit = queue.shift()!;
    if (seen.has(unit)) continue;
    const file = unitFile(root, unit);
    if (file && lstatSync(file).isSymbolicLink() && readlinkSync(file) === '/dev/null') continue;
    seen.add(unit);
    const next: string[] = unit === 'multi-user.target' ? [...generated] : [];
    for (const dir of UNIT_DIRS) {
      for (const kind of ['wants', 'requires']) {
        const links = join(root, dir, `${unit}.${kind}`);
        if (existsSync(links)) next.push(...readdirSync(links));
      }
    }
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const m = /^\s*(?:Wants|Requires)\s*=\s*(.*)$/.exec(line);
        if (m) next.push(...m[1]!.split(/\s+/).filter(Boolean));
      }
    }
    queue.push(...next);
  }
  return seen;
}
