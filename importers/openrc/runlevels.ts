/**
 * OpenRC runlevels: each directory under /etc/runlevels is a runlevel, each entry in it (normally a
 * symlink to /etc/init.d/NAME) a service started in it. The entry's own name is the service name (a
 * multi-instance link `agetty.tty1` names the instance). A directory inside a runlevel directory is a
 * stacked runlevel (openrc(8)): its services are started as part of the outer one too.
 */
import { readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { diag, cmp, type Diagnostic } from '../../src/model/diagnostic.js';
import { errText } from '../../src/util/source-file.js';
import { onDisk } from '../../src/util/host-path.js';
import { isDirectory } from '../../src/util/fs-probe.js';

/**
 * Runlevels OpenRC enters only to stop services, never to start them: `shutdown` (openrc(8), entered
 * on halt and reboot), `reboot` (older OpenRC), and `off` (Debian's openrc package enters it for
 * sysvinit runlevel 0).
 */
export const OPENRC_STOP_LEVELS: ReadonlySet<string> = new Set(['shutdown', 'reboot', 'off']);

export interface Runlevels {
  /** Path on disk of /etc/runlevels; absent when the host has none. */
  dir?: string;
  /** Runlevel -> service names in it (stacked runlevels folded in), both sorted. */
  levels: Map<string, string[]>;
  diagnostics: Diagnostic[];
}

function listDir(path: string, diagnostics: Diagnostic[]): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true }).sort((a, b) => cmp(a.name, b.name));
  } catch (e) {
    diagnostics.push(diag('warning', 'openrc-runlevel-unreadable', path, undefined, `cannot list runlevel directory: ${errText(e)}`));
    return [];
  }
}

/** Reads /etc/runlevels under `root`. Never throws. */
export function readRunlevels(root: string): Runlevels {
  const dir = onDisk(root, '/etc/runlevels');
  const diagnostics: Diagnostic[] = [];
  const levels = new Map<string, string[]>();
  if (!isDirectory(dir)) return { levels, diagnostics };
  const direct = new Map<string, { services: string[]; stacked: string[] }>();
  for (const level of listDir(dir, diagnostics)) {
    const levelPath = join(dir, level.name);
    if (!isDirectory(levelPath)) continue;
    const services: string[] = [];
    const stacked: string[] = [];
    for (const entry of listDir(levelPath, diagnostics)) {
      const p = join(levelPath, entry.name);
      // A symlink to init.d/NAME (even a dangling one) is a service; a real directory a stacked runlevel.
      if (entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(p))) stacked.push(entry.name);
      else services.push(entry.name);
    }
    direct.set(level.name, { services, stacked });
  }
  for (const [level, info] of direct) {
    const all = new Set(info.services);
    const seen = new Set([level]);
    const queue = [...info.stacked];
    while (queue.length > 0) {
      const s = queue.shift()!;
      if (seen.has(s)) continue;
      seen.add(s);
      const inner = direct.get(s);
      if (!inner) {
        diagnostics.push(diag('warning', 'openrc-stacked-runlevel-missing', join(dir, level, s), undefined, `stacked runlevel ${s} in ${level} does not exist`));
        continue;
      }
      for (const n of inner.services) all.add(n);
      queue.push(...inner.stacked);
    }
    levels.set(level, [...all].sort(cmp));
  }
  return { dir, levels, diagnostics };
}

/** Runlevels a service is listed in, sorted. */
export function levelsOf(rl: Runlevels, name: string): string[] {
  return [...rl.levels].filter(([, names]) => names.includes(name)).map(([l]) => l).sort(cmp);
}
