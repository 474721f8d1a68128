/**
 * Well-known daemons and how to keep them in the foreground, for sources that only say how to start a
 * daemon that forks (a plain `start-stop-daemon --start`, `start_daemon`, an OpenRC `command` without
 * `command_background`, a systemd `Type=forking` unit). Keyed by the basename of argv[0].
 *
 * Every entry names where the fact comes from: the daemon's manual page option, or the Debian unit that
 * already runs it in the foreground (seen in the corpus, `lib/systemd/system/*.service`).
 */
export type Confidence = 'high' | 'medium' | 'low';

export interface DaemonizeFlag {
  flag: string;
  /** `required`: the next word is the flag's value; `optional`: the next word is, unless it starts with `-`. */
  value?: 'required' | 'optional';
}

export interface DaemonEntry {
  /** Basenames of argv[0] this entry applies to. */
  names: string[];
  /**
   * `flag`: the daemon forks unless given `add` (or one of `present`).
   * `native`: the daemon stays in the foreground unless given one of `remove`.
   * `config`: only a config-file setting keeps it in the foreground (`add` is a best effort, low confidence).
   * `exits`: runs a job and exits; not a long-running daemon, never a longrun.
   */
  mode: 'flag' | 'native' | 'config' | 'exits';
  add?: string[];
  /** Where `add` goes: right after argv[0] (default), or last, for a daemon whose first argument must stay first. */
  addAt?: 'start' | 'end';
  /** Words that, already in argv, mean the daemon is already told to stay in the foreground. */
  present?: string[];
  /** Daemonizing options to drop from argv. */
  remove?: DaemonizeFlag[];
  /** Words replaced one for one (e.g. exim's `-bd` -> `-bdf`). */
  replace?: Record<string, string>;
  /**
   * An option whose value can switch daemon mode back on (nginx `-g 'daemon on; ...'`): every value of
   * `flag` is rewritten by `value`, and the last one rewritten also carries the foreground setting, so no
   * later word can contradict the one added (nginx keeps only the last `-g`).
   */
  rewrite?: { flag: string; value: (v: string, last: boolean) => string };
  /**
   * Options that only work under systemd (socket activation, systemd bus addresses): dropped from any
   * command the upgrade runs, with the reason. The daemon then uses its own default (its configuration).
   */
  systemdOnly?: { words: string[]; why: string; dirs?: string[] };
  /**
   * Options added when absent because the daemon is supervised: a pid file left by a `kill -9` makes
   * dbus-daemon refuse to start again ("The pid file ... exists"), so s6-supervise could never restart it.
   */
  supervised?: { words: string[]; why: string };
  confidence: Confidence;
  /** The daemon can write a newline to an fd when ready (s6 notification-fd). */
  readiness?: { args: (fd: number) => string[]; source: string };
  /** Shown to the user with the proposal. */
  note?: string;
  source: string;
}

/**
 * nginx's `-g` value without its `daemon` directives; the last value also gets `daemon off;`, since
 * nginx reads only the last `-g` and a `daemon on;` in it would override an earlier `daemon off;`.
 */
export function nginxGlobals(value: string, last: boolean): string {
  const kept = value.split(';').map((d) => d.trim()).filter((d) => d !== '' && !/^daemon(\s|$)/.test(d));
  return [...kept, ...(last ? ['daemon off'] : [])].map((d) => d + ';').join(' ');
}

export const DAEMON_TABLE: readonly DaemonEntry[] = [
  { names: ['sshd'], mode: 'flag', add: ['-D'], present: ['-D'], confidence: 'high', source: 'sshd(8): -D "sshd will not detach and does not become a daemon"' },
  { names: ['cron'], mode: 'flag', add: ['-f'], present: ['-f'], confidence: 'high', source: 'cron(8) (Debian): -f "Stay in foreground mode"; corpus cron.service runs `cron -f`' },
  { names: ['crond'], mode: 'flag', add: ['-f'], present: ['-f'], confidence: 'high', source: 'crond(8) (cronie/busybox): -f "run in foreground"' },
  { names: ['atd'], mode: 'flag', add: ['-f'], present: ['-f'], confidence: 'high', source: 'atd(8): -f "Run atd in the foreground"' },
  { names: ['rsyslogd'], mode: 'flag', add: ['-n'], present: ['-n'], confidence: 'high', source: 'rsyslogd(8): -n "Avoid auto-backgrounding"' },
  { names: ['syslogd', 'klogd'], mode: 'flag', add: ['-n'], present: ['-n'], confidence: 'high', source: 'busybox syslogd/klogd --help: -n "Run in foreground" (corpus busybox-syslogd)' },
  {
    names: ['nginx'], mode: 'flag', add: ['-g', 'daemon off;'], present: ['daemon off;'], rewrite: { flag: '-g', value: nginxGlobals }, confidence: 'high',
    source: 'nginx(8): -g sets global directives (only the last -g counts); nginx core module docs: `daemon off;`',
  },
  { names: ['dnsmasq'], mode: 'flag', add: ['-k'], present: ['-k', '--keep-in-foreground', '-d', '--no-daemon'], confidence: 'high', source: 'dnsmasq(8): -k, --keep-in-foreground "Do not go into the background at startup"' },
  { names: ['chronyd'], mode: 'flag', add: ['-n'], present: ['-n', '-d'], confidence: 'high', source: 'chronyd(8): -n "chronyd will not detach from the terminal"' },
  { names: ['ntpd'], mode: 'flag', add: ['-n'], present: ['-n', '--nofork'], confidence: 'high', source: 'ntpd(8): -n, --nofork "Do not fork"' },
  {
    names: ['dbus-daemon'], mode: 'flag', add: ['--nofork'], present: ['--nofork'], remove: [{ flag: '--fork' }], confidence: 'high',
    supervised: {
      words: ['--nopidfile'],
      why: 'dbus-daemon(1): --nopidfile "Don\'t write a PID file even if one is configured"; Debian\'s system.conf names /run/dbus/pid, and dbus-daemon refuses to start while that file exists (left by a kill -9), which would stop s6-supervise restarting it',
    },
    systemdOnly: {
      words: ['--address=systemd:', '--systemd-activation'],
      why: 'dbus-daemon(1): --address=systemd: takes the socket systemd passes (dbus.socket), --systemd-activation activates services through systemd; without them it listens on the <listen> address of its configuration (/usr/share/dbus-1/system.conf: unix:path=/run/dbus/system_bus_socket)',
      // dbus.socket made /run/dbus (ListenStream=/run/dbus/system_bus_socket); dbus-daemon binds as root.
      dirs: ['/run/dbus'],
    },
    readiness: { args: (fd) => [`--print-address=${fd}`], source: 'dbus-daemon(1): --print-address=DESCRIPTOR prints the bus address once listening' },
    source: 'dbus-daemon(1): --nofork "Force the message bus not to fork and become a daemon"; corpus dbus.service',
  },
  { names: ['smartd'], mode: 'flag', add: ['-n'], present: ['-n', '--no-fork'], confidence: 'high', source: 'smartd(8): -n, --no-fork "Do not fork into background"; corpus smartmontools.service' },
  {
    names: ['vsftpd'], mode: 'config', add: ['-obackground=NO'], present: ['-obackground=NO'], confidence: 'low',
    note: 'vsftpd stays in the foreground only when vsftpd.conf has background=NO (and listen=YES); check the config',
    source: 'vsftpd.conf(5): background "vsftpd will background the listener process"; vsftpd(8): -o sets one option',
  },
  { names: ['squid'], mode: 'flag', add: ['--foreground'], present: ['--foreground', '-N'], confidence: 'high', source: 'squid(8): --foreground "Parent process does not fork"; corpus squid.service' },
  { names: ['named'], mode: 'flag', add: ['-f'], present: ['-f', '-g'], confidence: 'high', source: 'named(8): -f "Run the server in the foreground"; corpus named.service' },
  {
    names: ['pdns_recursor'], mode: 'flag', add: ['--daemon=no'], present: ['--daemon=no'], remove: [{ flag: '--daemon' }, { flag: '--daemon=yes' }], confidence: 'high',
    source: 'pdns_recursor(1): --daemon "Operate as a daemon"; corpus pdns-recursor.service uses --daemon=no',
  },
  { names: ['haveged'], mode: 'flag', add: ['--Foreground'], present: ['-F', '--Foreground'], confidence: 'high', source: 'haveged(8): -F, --Foreground "Run in foreground"; corpus haveged.service' },
  { names: ['lldpd'], mode: 'flag', add: ['-d'], present: ['-d'], confidence: 'high', source: 'lldpd(8): -d "Do not daemonize"' },
  { names: ['rpcbind'], mode: 'flag', add: ['-f'], present: ['-f'], confidence: 'high', source: 'rpcbind(8): -f "Do not fork and become a background process"; corpus rpcbind.service' },
  {
    names: ['nslcd'], mode: 'flag', add: ['-n'], present: ['-n', '--nofork', '-d', '--debug'], confidence: 'medium',
    note: 'nslcd -d would also turn on debug output; -n (--nofork) needs nss-pam-ldapd 0.9.8 or later',
    source: 'nslcd(8): -n, --nofork "Don\'t fork or daemonise"',
  },
  {
    names: ['openvpn'], mode: 'native', remove: [{ flag: '--daemon', value: 'optional' }], confidence: 'medium',
    note: 'openvpn runs in the foreground unless --daemon is given; a --writepid file is left to the daemon',
    source: 'openvpn(8): --daemon [progname] "Become a daemon after all initialization functions are completed"',
  },
  { names: ['dovecot'], mode: 'flag', add: ['-F'], present: ['-F'], confidence: 'high', source: 'dovecot(1): -F "Run in foreground"; corpus dovecot.service' },
  {
    names: ['exim4', 'exim'], mode: 'flag', replace: { '-bd': '-bdf' }, present: ['-bdf'], confidence: 'medium',
    note: 'exim -bdf keeps the listening daemon in the foreground; queue runners (-q) still fork as usual',
    source: 'exim(8): -bdf "the daemon does not fork"',
  },
  { names: ['corosync'], mode: 'flag', add: ['-f'], present: ['-f'], confidence: 'high', source: 'corosync(8): -f "Start application in foreground"; corpus corosync.service' },
  { names: ['freeradius', 'radiusd'], mode: 'flag', add: ['-f'], present: ['-f', '-X'], confidence: 'high', source: 'radiusd(8): -f "Do not fork, stay running as a foreground process"; corpus freeradius.service' },
  { names: ['tgtd'], mode: 'flag', add: ['-f'], present: ['-f', '--foreground'], confidence: 'high', source: 'tgtd(8): -f, --foreground; corpus tgt.service' },
  { names: ['transmission-daemon'], mode: 'flag', add: ['-f'], present: ['-f', '--foreground'], confidence: 'high', source: 'transmission-daemon(1): -f, --foreground; corpus transmission-daemon.service' },
  { names: ['kadmind'], mode: 'flag', add: ['-nofork'], present: ['-nofork'], confidence: 'high', source: 'kadmind(8): -nofork "operate in the foreground"; corpus krb5-admin-server.service' },
  { names: ['miredo'], mode: 'flag', add: ['-f'], present: ['-f', '--foreground'], confidence: 'high', source: 'miredo(8): -f, --foreground; corpus miredo.service' },
  { names: ['upsd'], mode: 'flag', add: ['-F'], present: ['-F'], confidence: 'medium', note: 'upsd -F needs NUT 2.8 or later', source: 'upsd(8): -F "run in the foreground"; corpus nut-server.service' },
  { names: ['rasdaemon'], mode: 'flag', add: ['-f'], present: ['-f', '--foreground'], confidence: 'high', source: 'rasdaemon(8): -f, --foreground; corpus rasdaemon.service' },
  { names: ['auditd'], mode: 'flag', add: ['-n'], present: ['-n', '-f'], confidence: 'high', source: 'auditd(8): -n "no fork. This is useful for running off of inittab or systemd"' },
  { names: ['opendkim'], mode: 'flag', add: ['-f'], present: ['-f'], confidence: 'high', source: 'opendkim(8): -f "remain in the foreground"' },
  { names: ['xdm'], mode: 'flag', add: ['-nodaemon'], present: ['-nodaemon'], confidence: 'high', source: 'xdm(1): -nodaemon; corpus xdm.service' },
  { names: ['ypserv'], mode: 'flag', add: ['-f'], present: ['-f', '--foreground', '-d'], confidence: 'medium', source: 'ypserv(8) (4.x): -f, --foreground "Do not fork"' },
  { names: ['glusterd'], mode: 'flag', add: ['-N'], present: ['-N', '--no-daemon'], confidence: 'medium', source: 'glusterd(8): -N, --no-daemon "Run in foreground"' },
  { names: ['i2pd'], mode: 'native', remove: [{ flag: '--daemon' }, { flag: '--daemon=true' }], confidence: 'medium', source: 'i2pd docs (configuration): --daemon "Router will go to background after start"' },
  { names: ['mariadbd', 'mysqld'], mode: 'native', confidence: 'medium', note: 'mysqld_safe is the forking wrapper; the server itself stays in the foreground', source: 'mariadbd(8); corpus mariadb@.service runs mariadbd directly' },
  { names: ['influxd'], mode: 'native', confidence: 'high', source: 'corpus influxdb.service (Type=simple) runs influxd directly' },
  { names: ['prometheus-node-exporter'], mode: 'native', confidence: 'high', source: 'corpus prometheus-node-exporter.service (Type=simple)' },
  { names: ['minetestserver'], mode: 'native', confidence: 'high', source: 'corpus minetest-server.service (Type=simple)' },
  { names: ['lightdm'], mode: 'native', confidence: 'high', source: 'corpus lightdm.service (Type=simple)' },
  { names: ['dnsdist'], mode: 'flag', add: ['--supervised'], present: ['--supervised'], remove: [{ flag: '--daemon' }], confidence: 'medium', source: 'dnsdist(1): --supervised "Don\'t open a console, I\'m supervised"; corpus dnsdist.service' },
  { names: ['qemu-ga'], mode: 'native', remove: [{ flag: '-d' }, { flag: '--daemonize' }], confidence: 'high', source: 'qemu-ga(8): -d, --daemonize "Daemonize after startup"; corpus qemu-guest-agent.service' },
  { names: ['vmtoolsd'], mode: 'native', remove: [{ flag: '-b', value: 'required' }, { flag: '--background', value: 'required' }], confidence: 'medium', source: 'vmtoolsd --help: -b, --background=PIDFILE; corpus open-vm-tools.service' },
  { names: ['uuidd'], mode: 'flag', add: ['-F'], present: ['-F', '--no-fork', '--socket-activation'], confidence: 'high', source: 'uuidd(8): -F, --no-fork "Do not daemonize using a double-fork"' },
  { names: ['ss-server', 'ss-local', 'ss-redir', 'ss-tunnel'], mode: 'native', remove: [{ flag: '-f', value: 'required' }], confidence: 'medium', source: 'ss-server(1): -f <pid_file> "Start shadowsocks as a daemon"; corpus shadowsocks-libev.service' },
  { names: ['motion'], mode: 'flag', add: ['-n'], present: ['-n'], confidence: 'high', source: 'motion(1): -n "Run in non-daemon mode"' },
  { names: ['murmurd'], mode: 'flag', add: ['-fg'], present: ['-fg'], confidence: 'high', source: 'murmurd(1): -fg "Don\'t detach from the terminal"' },
  { names: ['ircd-hybrid', 'ircd'], mode: 'flag', add: ['-foreground'], present: ['-foreground'], confidence: 'medium', source: 'ircd(8) (hybrid): -foreground' },
  { names: ['cupsd'], mode: 'flag', add: ['-f'], present: ['-f', '-F'], confidence: 'high', source: 'cupsd(8): -f "Run cupsd in the foreground"' },
  { names: ['acpid'], mode: 'flag', add: ['-f'], present: ['-f', '--foreground'], confidence: 'high', source: 'acpid(8): -f, --foreground' },
  { names: ['bluetoothd'], mode: 'flag', add: ['-n'], present: ['-n', '--nodetach'], confidence: 'high', source: 'bluetoothd(8): -n, --nodetach' },
  { names: ['NetworkManager'], mode: 'flag', add: ['--no-daemon'], present: ['--no-daemon', '-n'], confidence: 'high', source: 'NetworkManager(8): --no-daemon' },
  { names: ['wpa_supplicant', 'hostapd'], mode: 'native', remove: [{ flag: '-B' }], confidence: 'high', source: 'wpa_supplicant(8)/hostapd(8): -B "Run daemon in the background"' },
  { names: ['dhcpd'], mode: 'flag', add: ['-f'], present: ['-f', '-d'], confidence: 'high', source: 'dhcpd(8): -f "run as a foreground process"' },
  { names: ['snmpd'], mode: 'flag', add: ['-f'], present: ['-f'], confidence: 'high', source: 'snmpd(8): -f "Do not fork from the calling shell"' },
  { names: ['memcached'], mode: 'native', remove: [{ flag: '-d' }, { flag: '--daemon' }], confidence: 'high', source: 'memcached(1): -d, --daemon "Run memcached as a daemon"' },
  { names: ['unbound'], mode: 'flag', add: ['-d'], present: ['-d'], confidence: 'medium', source: 'unbound(8): -d "do not fork into the background"' },
  { names: ['lighttpd'], mode: 'flag', add: ['-D'], present: ['-D'], confidence: 'high', source: 'lighttpd(8): -D "Don\'t go to background"' },
  { names: ['php-fpm', 'php-fpm8.2', 'php-fpm7.4'], mode: 'flag', add: ['-F'], present: ['-F', '--nodaemonize'], remove: [{ flag: '-D' }, { flag: '--daemonize' }], confidence: 'high', source: 'php-fpm(8): -F, --nodaemonize; -D, --daemonize "force to run in background"' },
  // `--daemonize yes` would contradict the flag: every --daemonize (and its value) is dropped, then `no` added.
  // Last: redis-server takes its configuration file only as argv[1], and every bare word after a `--name`
  // is one more value of it (`--daemonize no /etc/redis/redis.conf`: "wrong number of arguments", Redis 7.0).
  {
    names: ['redis-server'], mode: 'flag', add: ['--daemonize', 'no'], addAt: 'end', remove: [{ flag: '--daemonize', value: 'required' }], confidence: 'high',
    source: 'redis.conf: daemonize; redis-server [/path/to/redis.conf] [options]: any config directive as --name value',
  },
  { names: ['privoxy'], mode: 'flag', add: ['--no-daemon'], present: ['--no-daemon'], confidence: 'high', source: 'privoxy(8): --no-daemon' },
  { names: ['tor'], mode: 'flag', add: ['--RunAsDaemon', '0'], remove: [{ flag: '--RunAsDaemon', value: 'required' }], confidence: 'high', source: 'tor(1): RunAsDaemon 0|1' },
  {
    names: ['stunnel4', 'stunnel'], mode: 'config', confidence: 'low',
    note: 'stunnel stays in the foreground only with `foreground = yes` in its configuration file',
    source: 'stunnel(8): global option foreground = yes|quiet|no',
  },
  {
    names: ['postfix'], mode: 'flag', replace: { start: 'start-fg' }, present: ['start-fg'], confidence: 'medium',
    note: 'postfix start-fg needs Postfix 3.3 or later and a single instance',
    source: 'postfix(1): start-fg "Like start, but keep the master daemon running in the foreground"',
  },
  { names: ['lpd'], mode: 'flag', add: ['-F'], present: ['-F'], confidence: 'medium', source: 'lpd(8) (LPRng): -F "Run in foreground, don\'t fork"; corpus lprng' },
  { names: ['rpc.nfsd'], mode: 'exits', confidence: 'high', note: 'rpc.nfsd starts the kernel nfsd threads and exits', source: 'rpc.nfsd(8); corpus nfs-server.service is Type=oneshot' },
  { names: ['debian-sa1', 'sa1', 'sa2'], mode: 'exits', confidence: 'high', note: 'sysstat collectors write one sample and exit', source: 'sa1(8); corpus sysstat*.service are Type=oneshot' },
  { names: ['anacron'], mode: 'exits', confidence: 'high', note: 'anacron runs due jobs and exits', source: 'anacron(8): "executes commands ... then exits"' },
];

const byName = new Map<string, DaemonEntry>();
for (const e of DAEMON_TABLE) for (const n of e.names) byName.set(n, e);

export function daemonEntry(program: string): DaemonEntry | undefined {
  return byName.get(program.slice(program.lastIndexOf('/') + 1));
}

/**
 * The argv with the entry's foreground treatment applied: daemonizing flags removed, words replaced,
 * foreground flags inserted right after argv[0] unless already present.
 */
export function applyEntry(entry: DaemonEntry, argv: readonly string[]): string[] {
  const out = [argv[0]!];
  const dropped = new Map((entry.remove ?? []).map((r) => [r.flag, r]));
  const rw = entry.rewrite;
  const lastRewritten = rw ? argv.lastIndexOf(rw.flag) : -1;
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!;
    const rm = dropped.get(word);
    if (rm) {
      const next = argv[i + 1];
      if (rm.value === 'required' || (rm.value === 'optional' && next !== undefined && !next.startsWith('-'))) i++;
      continue;
    }
    if (rw && word === rw.flag && i + 1 < argv.length) {
      out.push(word, rw.value(argv[i + 1]!, i === lastRewritten));
      i++;
      continue;
    }
    out.push(entry.replace?.[word] ?? word);
  }
  const rewritten = lastRewritten > 0 && lastRewritten + 1 < argv.length;
  const already = rewritten || (entry.present ?? []).some((p) => out.includes(p));
  const added = !already && entry.add ? entry.add : [];
  const atEnd = entry.addAt === 'end';
  out.splice(atEnd ? out.length : 1, 0, ...added);
  const missing = (entry.supervised?.words ?? []).filter((w) => !out.includes(w));
  out.splice(atEnd ? 1 : 1 + added.length, 0, ...missing);
  return out;
}

/**
 * Whether the entry's treatment of this argv keeps the daemon in the foreground. An entry that only
 * replaces a word (exim `-bd` -> `-bdf`) does nothing for a command line without that word (exim's
 * queue-runner-only `exim4 -q30m` still forks).
 */
export function keepsForeground(entry: DaemonEntry, argv: readonly string[]): boolean {
  if (entry.mode !== 'flag' || (entry.add?.length ?? 0) > 0) return true;
  const out = applyEntry(entry, argv);
  return (entry.present ?? []).some((p) => out.includes(p)) || (entry.rewrite !== undefined && out.includes(entry.rewrite.flag));
}

/** argv without the entry's systemd-only options, and the words dropped. */
export function dropSystemdOnly(argv: readonly string[]): { argv: string[]; dropped: string[]; why?: string; dirs?: string[] } {
  const entry = daemonEntry(argv[0] ?? '');
  const only = entry?.systemdOnly;
  if (!only) return { argv: [...argv], dropped: [] };
  const dropped = argv.slice(1).filter((w) => only.words.includes(w));
  const out = { argv: argv.filter((w, i) => i === 0 || !only.words.includes(w)), dropped, why: only.why };
  return dropped.length > 0 && only.dirs ? { ...out, dirs: only.dirs } : out;
}
