/**
 * systemd importer: unit files -> model services. Reads units the way systemd loads them (search path
 * precedence, masking, aliases, drop-ins, templates and their instances, specifiers) and never runs
 * anything. `.target` units come back as services of unitType `target` (the bundles pass turns them into
 * bundles); `.socket`/`.timer`/`.path`/`.mount` units come back without a wrapper and with a finding
 * saying what s6 offers instead.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { cmp, diag, sortDiagnostics, type Diagnostic } from '../../src/model/diagnostic.js';
import { targetBundle } from '../../src/model/naming.js';
import { emptyHostFacts, emptyRunFacts, type ImportInput, type ImportResult, type Service } from '../../src/model/service.js';
import { onDisk, onSystem } from '../../src/util/host-path.js';
import { errText, readSourceFile } from '../../src/util/source-file.js';
import { buildService, unitKind } from './build-service.js';
import { loadUnit, UnitFiles } from './load-unit.js';
import { parseUnitName, templateOf, type HostIdentity, type UnitName } from './specifiers.js';
import { lastValue } from './unit-file.js';
import { isValidUnitName } from './specifiers.js';
import { DirListings, findAliasLinks, findDefaultTarget, findPullLinks, findUnit, lookupEntry, searchPath, withEmptyFileMasked, type PullLink } from './unit-paths.js';

export { parseUnitFile } from './unit-file.js';
export { parseExecValue, splitUnitWords } from './exec-line.js';
export { expandSpecifiers } from './specifiers.js';

interface Job {
  name: string;
  dirs: string[];
  /** The file the user named, when this job comes from one. */
  requested?: string;
  /** Instance of a template: whether [Install] applies (it is the DefaultInstance). */
  isDefaultInstance?: boolean;
}

function readOptional(path: string): string | undefined {
  const r = readSourceFile(path);
  return r.ok ? r.text : undefined;
}

/** Host name, machine id and OS from files under --root (for %H, %m, %o ...); guesses when absent. */
export function readHostIdentity(root: string): HostIdentity {
  const hostname = readOptional(onDisk(root, '/etc/hostname'))?.trim().split('\n')[0]?.trim() || 'localhost';
  const machineId = readOptional(onDisk(root, '/etc/machine-id'))?.trim() || '0'.repeat(32);
  const osRelease = readOptional(onDisk(root, '/etc/os-release')) ?? '';
  const field = (k: string) => new RegExp(`^${k}=["']?([^"'\\n]*)`, 'm').exec(osRelease)?.[1] ?? '';
  return { hostname, machineId, osId: field('ID') || 'linux', osVersionId: field('VERSION_ID') };
}

/**
 * `onSystem(root, path)` for unit files, with each directory's part computed once: path.resolve and
 * path.relative walk the whole path character by character, for every unit. For a plain file name in a
 * directory the answer is the directory's plus the name; anything else (a name starting with a dot, whose
 * relative path could read as `..`) takes the full way.
 */
function systemPathMemo(root: string): (diskPath: string) => string {
  const dirs = new Map<string, string>();
  return (diskPath) => {
    const slash = diskPath.lastIndexOf('/');
    const name = diskPath.slice(slash + 1);
    if (slash <= 0 || name === '' || name.startsWith('.')) return onSystem(root, diskPath);
    const dir = diskPath.slice(0, slash);
    let sys = dirs.get(dir);
    if (sys === undefined) dirs.set(dir, (sys = onSystem(root, dir)));
    return sys === '/' ? `/${name}` : `${sys}/${name}`;
  };
}

/** `samePath` for one import, with each path resolved once (realpath walks every component). */
function pathComparer(): (a: string, b: string) => boolean {
  const real = new Map<string, string | null>();
  const realOf = (p: string): string | null => {
    let r = real.get(p);
    if (r === undefined) {
      try {
        r = realpathSync(p);
      } catch {
        r = null;
      }
      real.set(p, r);
    }
    return r;
  };
  return (a, b) => {
    if (a === b) return true; // realpath of one string equals itself, and so does resolve on failure
    const ra = realOf(a);
    const rb = ra === null ? null : realOf(b);
    return ra !== null && rb !== null ? ra === rb : resolve(a) === resolve(b);
  };
}

export function importSystemd(input: ImportInput): ImportResult {
  const diagnostics: Diagnostic[] = [];
  const services: Service[] = [];
  const host = emptyHostFacts();
  const root = input.root;
  const hostId = readHostIdentity(root);
  // Per-import caches: the search path of each directory, directory listings, realpaths.
  const listings = new DirListings();
  const files = new UnitFiles();
  const textOf = (path: string): string | undefined => {
    const r = files.read(path);
    return r.ok ? r.text : undefined;
  };
  const samePath = pathComparer();
  const systemPath = systemPathMemo(root);
  const searchPaths = new Map<string, string[]>();
  const searchPathOf = (dir: string): string[] => {
    let p = searchPaths.get(dir);
    if (!p) searchPaths.set(dir, (p = searchPath(root, dir)));
    return [...p];
  };

  const standard = searchPath(root);
  const allDirs = [...standard];
  // Input files share a few directories: add each directory's search path once.
  const fileDirs = new Set<string>();
  for (const f of input.files) fileDirs.add(dirname(f));
  for (const fd of fileDirs) for (const d of searchPathOf(fd)) if (!allDirs.includes(d)) allDirs.push(d);
  const pullLinks = findPullLinks(allDirs, listings);
  const aliasLinks = findAliasLinks(allDirs, listings);
  // Unit name -> indexes into pullLinks (which is sorted by path), so each unit finds its links directly.
  const pullIndex = new Map<string, number[]>();
  pullLinks.forEach((l, i) => {
    const list = pullIndex.get(l.unit) ?? [];
    list.push(i);
    pullIndex.set(l.unit, list);
  });

  const def = findDefaultTarget(root, standard, listings);
  if (def) host.defaultBundles = { bundles: [targetBundle(def.target)], origin: { file: def.path } };

  const seen = new Set<string>();
  const queue: Job[] = [];
  for (const f of input.files) {
    const name = basename(f);
    if (name.endsWith('.conf')) {
      diagnostics.push(diag('note', 'unit-drop-in-file', f, undefined, 'a drop-in: applied when its unit is read'));
      continue;
    }
    const u = parseUnitName(name);
    if (!u) {
      diagnostics.push(diag('warning', 'unit-bad-name', f, undefined, `${name} is not a unit name (NAME.TYPE); not read`));
      continue;
    }
    const self = lookupEntry(root, dirname(f), name, listings);
    if (!self) {
      const r = readSourceFile(f);
      diagnostics.push(r.ok ? diag('error', 'unreadable-file', f, undefined, 'not a unit file') : r.diagnostic);
      continue;
    }
    const dirs = searchPathOf(dirname(f));
    if (self.kind === 'alias') {
      diagnostics.push(diag('note', 'unit-alias-link', f, undefined, `${name} links to ${self.target}: an alias, imported with that unit`));
      queue.push({ name: self.target, dirs });
      continue;
    }
    queue.push({ name, dirs, requested: f });
  }

  while (queue.length > 0) {
    const job = queue.shift()!;
    if (seen.has(job.name)) continue;
    seen.add(job.name);
    try {
      processJob(job, queue);
    } catch (e) {
      // Safety net only: a bug must not stop the other units.
      diagnostics.push(diag('error', 'internal-error', job.requested ?? job.name, undefined, `systemd importer failed on ${job.name}: ${errText(e)}`));
    }
  }

  function processJob(job: Job, q: Job[]): void {
    const u = parseUnitName(job.name)!;
    const where = job.requested ?? job.name;
    let entry = findUnit(root, job.dirs, job.name, listings);
    const template = templateOf(u);
    if (!entry && template !== undefined && u.instance !== '') entry = findUnit(root, job.dirs, template, listings);
    if (!entry) {
      diagnostics.push(diag('warning', 'unit-not-found', where, undefined, `${job.name} is not in any unit directory`));
      return;
    }
    entry = withEmptyFileMasked(entry, () => textOf(entry!.path));
    if (entry.kind === 'masked') {
      const by = job.requested && !samePath(job.requested, entry.path) ? ` by ${entry.path}` : '';
      diagnostics.push(diag('note', 'unit-masked', job.requested ?? entry.path, undefined, `${job.name} is masked${by} (${entry.how}): systemd never starts it`));
      services.push(maskedService(u, entry.path, entry.how));
      return;
    }
    if (entry.kind === 'alias') {
      diagnostics.push(diag('note', 'unit-alias-link', entry.path, undefined, `${job.name} links to ${entry.target}: an alias, imported with that unit`));
      q.push({ name: entry.target, dirs: job.dirs });
      return;
    }
    if (job.requested && !samePath(job.requested, entry.path) && basename(entry.path) === job.name) {
      diagnostics.push(diag('note', 'unit-overridden', job.requested, undefined, `overridden by ${entry.path}, earlier in the unit search path; that file is read`));
    }
    if (u.instance === '') {
      expandTemplate(u, entry.path, job, q);
      return;
    }
    const loaded = loadUnit(u, entry.path, job.dirs, diagnostics, listings, files);
    if (!loaded) return;
    const aliases = aliasLinks.get(job.name) ?? [];
    // Without aliases the unit's own index list is already sorted and without duplicates.
    const linkIdx = aliases.length === 0 ? pullIndex.get(job.name) ?? [] :
      [...new Set([job.name, ...aliases.map((a) => a.name)].flatMap((n) => pullIndex.get(n) ?? []))].sort((a, b) => a - b);
    const linkedBy = linkIdx.map((i) => ({ owner: pullLinks[i]!.owner, path: pullLinks[i]!.path }));
    const useInstall = u.instance === undefined || job.isDefaultInstance === true || basename(entry.path) === job.name;
    // This unit's own X.wants/ and X.requires/ links: what it pulls in besides Wants=/Requires=.
    const pulls = pullLinks.filter((l) => l.owner === job.name || aliases.some((a) => a.name === l.owner)).map((l) => ({ kind: l.kind, unit: l.unit, path: l.path }));
    services.push(buildService(loaded, { root, host: hostId, linkedBy, pulls, aliasLinks: aliases, useInstall, systemPath }, diagnostics));
  }

  /** A template is not run itself: its instances are (from `.wants/` links and DefaultInstance=). */
  function expandTemplate(u: UnitName, path: string, job: Job, q: Job[]): void {
    const loaded = loadUnit(u, path, job.dirs, [], listings, files);
    const setting = loaded ? lastValue(loaded.settings, 'Install', 'DefaultInstance') : undefined;
    let defaultInstance = setting?.value;
    if (setting && defaultInstance !== undefined && defaultInstance !== '' && !isValidUnitName(`${u.prefix}@${defaultInstance}.${u.type}`)) {
      diagnostics.push(diag('warning', 'unit-bad-default-instance', setting.origin.file, setting.origin.line,
        `DefaultInstance=${JSON.stringify(defaultInstance.slice(0, 80))}${defaultInstance.length > 80 ? '...' : ''} does not make a valid unit name; ignored, as systemd does`));
      defaultInstance = undefined;
    }
    const instances = new Set<string>();
    for (const l of pullLinks) {
      const n = parseUnitName(l.unit);
      if (n && n.prefix === u.prefix && n.type === u.type && n.instance) instances.add(l.unit);
    }
    const defName = defaultInstance ? `${u.prefix}@${defaultInstance}.${u.type}` : undefined;
    if (defName) instances.add(defName);
    if (instances.size === 0) {
      diagnostics.push(diag('note', 'unit-template-no-instance', path, undefined,
        `${u.name} is a template and no instance is enabled (no .wants/ link, no DefaultInstance=): nothing to convert`));
      return;
    }
    for (const name of [...instances].sort(cmp)) q.push({ name, dirs: job.dirs, isDefaultInstance: name === defName });
  }

  services.sort((a, b) => cmp(a.name, b.name));
  return { services, host, diagnostics: sortDiagnostics(diagnostics) };

  function maskedService(u: UnitName, path: string, how: string): Service {
    const kind = unitKind(u.type);
    const name = kind === 'service' ? u.name.slice(0, -'.service'.length) : u.name;
    return {
      name, format: 'systemd', provides: [], deps: [], startIn: [], run: emptyRunFacts(),
      sources: [{ format: 'systemd', file: path, systemPath: onSystem(root, path), unit: u.name, unitType: kind, dropIns: [],
        execStart: [], execStartPre: [], execStartPost: [], execStop: [], execStopPost: [], execReload: [], remainAfterExit: false, directives: {} }],
      findings: [{ code: 'unit-masked', origin: { file: path }, message: `${u.name} is masked (${how}): systemd never starts it; not converted` }],
    };
  }
}

export type { PullLink };
