/**
 * Canonical bundle names shared by importers, passes and the writer. One place, so a reader finds the
 * convention by name.
 */

/** sysvinit runlevel `2` -> `runlevel-2`; OpenRC runlevel `default` -> `runlevel-default`. */
export function runlevelBundle(level: string): string {
  return `runlevel-${level}`;
}

/** systemd target `multi-user.target` -> `multi-user`. */
export function targetBundle(unit: string): string {
  return unit.replace(/\.target$/, '');
}

/** The bundle s6-rc boots: `s6-rc -u change default`. */
export const DEFAULT_BUNDLE = 'default';

/** sysvinit runlevels that start services (0 and 6 are halt and reboot). */
export const SYSV_START_LEVELS = ['S', '1', '2', '3', '4', '5'] as const;

/** Debian's default runlevel when /etc/inittab says nothing (Debian Policy 9.3.1). */
export const DEBIAN_DEFAULT_RUNLEVEL = '2';

/** OpenRC boots sysinit, then boot, then default (openrc(8)). */
export const OPENRC_BOOT_LEVELS = ['sysinit', 'boot', 'default'] as const;

/** Names s6-rc-compile rejects as a prefix anywhere a name appears. */
export const RESERVED_PREFIXES = ['s6rc-', 's6-rc-'] as const;
