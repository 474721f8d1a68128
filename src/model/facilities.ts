/**
 * Virtual facilities: names that stand for "whatever provides this on the host". Each becomes an s6-rc
 * bundle whose contents are the services that provide it. One canonical name serves the three source
 * formats, so `$network` (LSB), `net` (OpenRC) and `network.target` (systemd) meet in one bundle.
 */
export interface Facility {
  /** Canonical name, also the bundle name (unless a service already has that name). */
  name: string;
  description: string;
  /** LSB `$name` forms (LSB 3.1 core + Debian's insserv additions). */
  lsb: string[];
  /** OpenRC virtual service names (provided with `provide`, or built-in like `localmount`). */
  openrc: string[];
  /** systemd units that play the same role. */
  systemd: string[];
}

export const FACILITIES: readonly Facility[] = [
  // LSB core: $local_fs "all local file systems are mounted"; OpenRC localmount; systemd local-fs.target.
  { name: 'local-fs', description: 'local file systems mounted', lsb: ['$local_fs'], openrc: ['localmount'], systemd: ['local-fs.target'] },
  // LSB core: $remote_fs "all file systems are mounted" (includes /usr when remote); OpenRC netmount.
  { name: 'remote-fs', description: 'all file systems mounted, network ones included', lsb: ['$remote_fs'], openrc: ['netmount'], systemd: ['remote-fs.target'] },
  // LSB core: $network "low level networking is up"; OpenRC virtual `net`; systemd network*.target.
  { name: 'network', description: 'networking is up', lsb: ['$network'], openrc: ['net'], systemd: ['network.target', 'network-online.target'] },
  // LSB core: $named "IP name resolution works"; OpenRC virtual `dns`; systemd nss-lookup.target.
  { name: 'named', description: 'host name resolution works', lsb: ['$named'], openrc: ['dns'], systemd: ['nss-lookup.target'] },
  // LSB core: $portmap "SunRPC/ONCRPC portmapping service"; OpenRC's rpcbind script provides `rpc`;
  // systemd rpcbind.target.
  { name: 'portmap', description: 'SunRPC port mapper is running', lsb: ['$portmap'], openrc: ['rpcbind', 'portmap', 'rpc'], systemd: ['rpcbind.target'] },
  // LSB core: $syslog "system logger is operational"; OpenRC virtual `logger`; systemd syslog.service alias.
  { name: 'syslog', description: 'system logger is running', lsb: ['$syslog'], openrc: ['logger'], systemd: ['syslog.service', 'syslog.socket'] },
  // LSB core: $time "the system time has been set"; OpenRC virtual `clock` (provided by hwclock, swclock,
  // osclock and adjkerntz in OpenRC's init.d); systemd time-*.target (systemd-sysv-generator maps $time
  // to time-sync.target).
  { name: 'time', description: 'system clock is set', lsb: ['$time'], openrc: ['clock'], systemd: ['time-sync.target', 'time-set.target'] },
  // OpenRC virtual `ntp-client` (ntpd, chronyd, openntpd provide it; rpcbind orders before it): a clock
  // kept in sync, not the clock being set, so never part of `clock`.
  { name: 'ntp-client', description: 'an NTP client is running', lsb: [], openrc: ['ntp-client'], systemd: [] },
  // Debian insserv extension: $x-display-manager (xdm, lightdm, gdm3 provide it).
  { name: 'x-display-manager', description: 'an X display manager', lsb: ['$x-display-manager'], openrc: ['xdm', 'display-manager'], systemd: ['display-manager.service'] },
  // Debian insserv.conf: $mail-transport-agent (exim4, postfix provide `mail-transport-agent`).
  { name: 'mail-transport-agent', description: 'a mail transport agent', lsb: ['$mail-transport-agent'], openrc: ['mta'], systemd: [] },
  // OpenRC virtual `firewall` (iptables, nftables, ufw provide it); systemd has no facility target.
  { name: 'firewall', description: 'packet filter rules loaded', lsb: [], openrc: ['firewall'], systemd: ['firewall.target'] },
];

/** LSB `$all` means "after every script that does not itself use $all" (insserv(8)). */
export const LSB_ALL = '$all';

/**
 * `DepRef.target` of an `after` reference to every other service (LSB `$all`, OpenRC `after *`). The
 * passes expand it into order edges towards every service started wherever the dependent is.
 */
export const EVERY_SERVICE = '*';

const byLsb = new Map<string, Facility>();
const byOpenrc = new Map<string, Facility>();
const bySystemd = new Map<string, Facility>();
for (const f of FACILITIES) {
  for (const n of f.lsb) byLsb.set(n, f);
  for (const n of f.openrc) byOpenrc.set(n, f);
  for (const n of f.systemd) bySystemd.set(n, f);
}

export function facilityFromLsb(name: string): Facility | undefined {
  return byLsb.get(name);
}
export function facilityFromOpenrc(name: string): Facility | undefined {
  return byOpenrc.get(name);
}
export function facilityFromSystemd(unit: string): Facility | undefined {
  return bySystemd.get(unit);
}
export function facilityByName(name: string): Facility | undefined {
  return FACILITIES.find((f) => f.name === name);
}
