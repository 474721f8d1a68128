/**
 * Discovery: which files each importer reads. With no PATH, the host's standard locations under `root`;
 * a PATH that is a file is classified, a directory contributes its entries (not recursive). Only a file's
 * first line is read (to tell OpenRC scripts from sysvinit ones); anything odd about an entry becomes one
 * diagnostic and discovery goes on. Paths are joined, never resolved, so relative stays relative.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, join } from 'node:path';
import { openrcShebang } from '../importers/openrc/index.js';
import { isBackupName } from './model/backup-names.js';
import { cmp, diag, sortDiagnostics, type Diagnostic } from './model/diagnostic.js';
import { errText } from './util/source-file.js';
import { isDirectory } from './util/fs-probe.js';

export interface DiscoverOptions {
  /** Files or directories as the user named them (on disk). Empty: the standard locations under root. */
  paths: readonly string[];
  /** Host root on disk (`--root`, default `/`). */
  root: string;
}

export interface Discovered {
  sysv: string[];
  openrc: string[];
  systemd: string[];
  diagnostics: Diagnostic[];
}

/** Where a host keeps its services. A missing directory is normal (a sysvinit host has no units). */
export const STANDARD_LOCATIONS: readonly string[] = [
  // sysvinit and OpenRC both keep their scripts here (Debian Policy 9.3; openrc-run(8)).
  '/etc/init.d',
  // systemd.unit(5) "System Unit Search Path", highest precedence first.
  '/etc/systemd/system',
  '/run/systemd/system',
  '/lib/systemd/system',
  '/usr/lib/systemd/system',
];

/** Unit types the systemd importer converts or reports on (systemd.unit(5)); other types are ignored. */
export const IMPORTED_UNIT_SUFFIXES = ['.service', '.socket', '.timer', '.path', '.mount', '.target'] as const;
/** Every unit type systemd knows (systemd.unit(5)): names ending so are units, never init scripts. */
const ALL_UNIT_SUFFIXES = [...IMPORTED_UNIT_SUFFIXES, '.device', '.automount', '.swap', '.slice', '.scope'];

/** Subdirectories of unit directories that the systemd importer reads itself (`.wants/`, drop-ins `.d/`). */
const UNIT_SUBDIR = /\.(wants|requires|upholds|d)$/;

/** Bytes read to find the first line: a `#!` line is far shorter (Linux caps it at 256). */
const FIRST_LINE_BYTES = 512;

function unitSuffix(name: string): string | undefined {
  return ALL_UNIT_SUFFIXES.find((s) => name.endsWith(s) && name.length > s.length);
}

/** A directory that only holds units (systemd's search path, or any `.../systemd/system`-like dir). */
function isUnitDirectory(dir: string): boolean {
  return /(^|\/)systemd\/(system|user)(\.control)?\/*$/.test(dir);
}

type FirstLine = { ok: true; line: string } | { ok: false; diagnostic: Diagnostic };

/** The first line of a regular file, read-only and bounded. */
export function readFirstLine(path: string): FirstLine {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not hang discovery.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const what = code === 'ENOENT' ? 'dangling symlink or vanished file' : errText(e);
    return { ok: false, diagnostic: diag('error', code === 'ELOOP' ? 'symlink-loop' : 'unreadable-file', path, undefined, `cannot open: ${what}`) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      return { ok: false, diagnostic: diag('warning', 'not-a-file', path, undefined, 'not a regular file (a socket, FIFO, device or directory); not read') };
    }
    const buf = Buffer.alloc(FIRST_LINE_BYTES);
    const n = readSync(fd, buf, 0, FIRST_LINE_BYTES, 0);
    const bytes = buf.subarray(0, n);
    const nl = bytes.indexOf(0x0a);
    return { ok: true, line: bytes.subarray(0, nl === -1 ? n : nl).toString('latin1') };
  } catch (e) {
    return { ok: false, diagnostic: diag('error', 'unreadable-file', path, undefined, `cannot read: ${errText(e)}`) };
  } finally {
    closeSync(fd);
  }
}

class Collector {
  readonly sysv = new Set<string>();
  readonly openrc = new Set<string>();
  readonly systemd = new Set<string>();
  readonly diagnostics: Diagnostic[] = [];

  /** A script (init.d entry or a file the user named): OpenRC by its interpreter, else sysvinit. */
  script(path: string): void {
    if (isBackupName(basename(path))) {
      this.diagnostics.push(diag('note', 'backup-file-ignored', path, undefined, 'a backup or package-manager leftover, not a service (the host\'s init system skips it too); not read'));
      return;
    }
    const first = readFirstLine(path);
    if (!first.ok) {
      this.diagnostics.push(first.diagnostic);
      return;
    }
    (openrcShebang(first.line) ? this.openrc : this.sysv).add(path);
  }

  /** A named file: units by suffix, other scripts by content. */
  file(path: string, inUnitDir: boolean): void {
    const name = basename(path);
    const suffix = unitSuffix(name);
    if (suffix !== undefined) {
      if ((IMPORTED_UNIT_SUFFIXES as readonly string[]).includes(suffix)) this.systemd.add(path);
      else if (!inUnitDir) this.diagnostics.push(diag('note', 'unit-type-ignored', path, undefined, `${suffix} units have no s6-rc counterpart; not read`));
      return;
    }
    // Unit directories also hold drop-in leftovers and docs; the systemd importer finds what it needs.
    if (inUnitDir) return;
    this.script(path);
  }

  directory(dir: string, explicit: boolean): void {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      const code = (e as { code?: string }).code;
      // A standard location that is missing is normal; a PATH the user named is not.
      if (!explicit && code === 'ENOENT') return;
      this.diagnostics.push(diag('error', code === 'ELOOP' ? 'symlink-loop' : 'unreadable-directory', dir, undefined, `cannot list directory: ${errText(e)}`));
      return;
    }
    const unitDir = isUnitDirectory(dir);
    for (const e of entries.sort((a, b) => cmp(a.name, b.name))) {
      // Dot files are tool state (insserv's .depend.*, editors' swap files), never services.
      if (e.name.startsWith('.')) continue;
      const path = join(dir, e.name);
      if (e.isDirectory() || (e.isSymbolicLink() && isDirectory(path))) {
        if (!UNIT_SUBDIR.test(e.name)) {
          this.diagnostics.push(diag('note', 'directory-not-read', path, undefined, 'a subdirectory: discovery is not recursive; name it as a PATH to read it'));
        }
        continue;
      }
      this.file(path, unitDir);
    }
  }

  result(): Discovered {
    const sorted = (s: Set<string>) => [...s].sort(cmp);
    return { sysv: sorted(this.sysv), openrc: sorted(this.openrc), systemd: sorted(this.systemd), diagnostics: sortDiagnostics(this.diagnostics) };
  }
}

function realDir(dir: string): string | undefined {
  try {
    return realpathSync(dir);
  } catch {
    return undefined;
  }
}

export function discover(opts: DiscoverOptions): Discovered {
  const c = new Collector();
  if (opts.paths.length === 0) {
    if (!isDirectory(opts.root)) {
      // A mistyped --root would otherwise look like a host with no services.
      c.diagnostics.push(diag('error', 'path-not-found', opts.root, undefined, '--root is not a directory'));
      return c.result();
    }
    const seen = new Set<string>();
    for (const loc of STANDARD_LOCATIONS) {
      const dir = join(opts.root, loc);
      // Merged-/usr hosts have /lib -> usr/lib: list each real directory once.
      const real = realDir(dir);
      if (real !== undefined && seen.has(real)) continue;
      if (real !== undefined) seen.add(real);
      c.directory(dir, false);
    }
    const r = c.result();
    if (r.sysv.length + r.openrc.length + r.systemd.length === 0) {
      r.diagnostics.push(diag('note', 'nothing-found', opts.root, undefined, `no init scripts or units under ${STANDARD_LOCATIONS.join(', ')}`));
    }
    return r;
  }
  for (const p of opts.paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      const code = (e as { code?: string }).code;
      c.diagnostics.push(diag('error', code === 'ENOENT' ? 'path-not-found' : code === 'ELOOP' ? 'symlink-loop' : 'unreadable-file', p, undefined,
        code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${errText(e)}`));
      continue;
    }
    if (isDir) c.directory(p, true);
    else c.file(p, false);
  }
  return c.result();
}
