/**
 * Host-wide sysvinit facts under the root: the default runlevel (`/etc/inittab`) and the members of the
 * virtual facilities (`/etc/insserv.conf`, `/etc/insserv.conf.d/*`).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { diag, cmp, type Diagnostic } from '../../src/model/diagnostic.js';
import { facilityFromLsb } from '../../src/model/facilities.js';
import { DEBIAN_DEFAULT_RUNLEVEL, runlevelBundle } from '../../src/model/naming.js';
import type { HostFacts } from '../../src/model/service.js';
import { emptyHostFacts } from '../../src/model/service.js';
import { onDisk } from '../../src/util/host-path.js';
import { readSourceFile } from '../../src/util/source-file.js';

export function readSysvHostFacts(root: string, hasScripts: boolean): { host: HostFacts; diagnostics: Diagnostic[] } {
  const host = emptyHostFacts();
  const diagnostics: Diagnostic[] = [];
  readInittab(root, hasScripts, host, diagnostics);
  for (const f of insservFiles(root)) readInsserv(f, host, diagnostics);
  return { host, diagnostics };
}

/** inittab(5): `id:RUNLEVEL:initdefault:` names the default runlevel. */
function readInittab(root: string, hasScripts: boolean, host: HostFacts, diagnostics: Diagnostic[]): void {
  const path = onDisk(root, '/etc/inittab');
  const exists = existsSync(path);
  if (exists) {
    const r = readSourceFile(path);
    if (!r.ok) { diagnostics.push(r.diagnostic); return; }
    const lines = r.text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!.trim();
      if (l.startsWith('#') || l === '') continue;
      const f = l.split(':');
      if (f.length < 3 || f[2] !== 'initdefault') continue;
      const level = f[1]!.trim();
      if (!/^[1-5]$/.test(level)) {
        diagnostics.push(diag('warning', 'inittab-bad-default', path, i + 1, `initdefault runlevel "${level}" is not 1-5; ignored`));
        continue;
      }
      host.defaultBundles = { bundles: [runlevelBundle(level)], origin: { file: path, line: i + 1 } };
      return;
    }
  }
  if (hasScripts) {
    // Debian Policy 9.3.1: without an initdefault entry, the boot runlevel is 2.
    // A diagnostic names a file the user can open: without an inittab, the scripts' directory.
    const origin = exists ? path : onDisk(root, '/etc/init.d');
    host.defaultBundles = { bundles: [runlevelBundle(DEBIAN_DEFAULT_RUNLEVEL)], origin: { file: origin } };
    diagnostics.push(diag('note', 'inittab-no-default', origin, undefined,
      `${exists ? 'no initdefault entry in /etc/inittab' : 'no /etc/inittab'}; using Debian's default runlevel ${DEBIAN_DEFAULT_RUNLEVEL}`));
  }
}

function insservFiles(root: string): string[] {
  const files: string[] = [];
  const main = onDisk(root, '/etc/insserv.conf');
  if (existsSync(main)) files.push(main);
  const dir = onDisk(root, '/etc/insserv.conf.d');
  try {
    // insserv(8) skips backup and package-manager leftovers in insserv.conf.d.
    const names = readdirSync(dir).filter((n) => !n.startsWith('.') && !n.endsWith('~') && !/\.(dpkg-|rpm)/.test(n));
    for (const n of names.sort(cmp)) files.push(join(dir, n));
  } catch {
    /* no insserv.conf.d */
  }
  return files;
}

/**
 * insserv.conf(5): `$facility member member +optional ...`. A member that is itself a facility is kept as
 * `$<canonical>` so the facility pass can nest the bundles.
 */
function readInsserv(path: string, host: HostFacts, diagnostics: Diagnostic[]): void {
  const r = readSourceFile(path);
  if (!r.ok) { diagnostics.push(r.diagnostic); return; }
  const lines = r.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.replace(/#.*$/, '').trim();
    if (l === '') continue;
    const [key, ...members] = l.split(/\s+/);
    if (key!.startsWith('<')) continue; // `<interactive>` and similar: insserv's own ordering hints
    if (!key!.startsWith('$')) {
      diagnostics.push(diag('warning', 'insserv-bad-line', path, i + 1, `"${key}" is not a $facility; line ignored`));
      continue;
    }
    const canonical = canonicalFacility(key!);
    if (!facilityFromLsb(key!)) {
      diagnostics.push(diag('note', 'insserv-unknown-facility', path, i + 1, `facility "${key}" is not a known one; kept as "${canonical}"`));
    }
    const list = (host.facilityMembers[canonical] ??= []);
    for (const m of members) {
      const optional = m.startsWith('+');
      const bare = optional ? m.slice(1) : m;
      if (bare === '') continue;
      const name = bare.startsWith('$') ? '$' + canonicalFacility(bare) : bare;
      if (!list.some((x) => x.name === name)) list.push({ name, optional, origin: { file: path, line: i + 1 } });
    }
  }
}

/** `$remote_fs` -> `remote-fs`; unknown `$foo` -> `foo`. */
function canonicalFacility(lsb: string): string {
  return facilityFromLsb(lsb)?.name ?? lsb.slice(1);
}
