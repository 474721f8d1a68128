/**
 * Start bundles: one per runlevel or target named in any `startIn` (`runlevel-2`, `runlevel-default`,
 * `multi-user`, ...), and `default`, the bundle s6-rc boots. systemd `.target` units are not services
 * but bundles: what they pull in (`Wants=`/`Requires=`) becomes their contents.
 */
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import { DEBIAN_DEFAULT_RUNLEVEL, DEFAULT_BUNDLE, OPENRC_BOOT_LEVELS, SYSV_START_LEVELS, runlevelBundle, targetBundle } from '../model/naming.js';
import { dirname } from 'node:path';
import type { DepRef, HostFacts, Origin, Service } from '../model/service.js';
import { sourceFile } from './merge.js';
import { cleanName } from './names.js';
import { bundleNode, serviceNode, type PendingBundle, type Registry } from './registry.js';

const SYSV_LEVEL_BUNDLES = new Set<string>(SYSV_START_LEVELS.map(runlevelBundle));
const SYSV_RUNLEVEL_S = runlevelBundle('S');
const OPENRC_LEVEL_BUNDLES = OPENRC_BOOT_LEVELS.map(runlevelBundle);
const OPENRC_EARLY_LEVELS = OPENRC_LEVEL_BUNDLES.slice(0, -1);

export interface TargetUnit {
  bundle: string;
  pulls: DepRef[];
  file: string;
}

/** Splits `.target` units off the services: they become bundles, never definitions of their own. */
export function separateTargetUnits(services: readonly Service[]): { services: Service[]; targets: TargetUnit[] } {
  const targets: TargetUnit[] = [];
  const rest: Service[] = [];
  for (const s of services) {
    const ev = s.sources[0];
    if (ev?.format === 'systemd' && ev.unitType === 'target') {
      targets.push({ bundle: cleanName(targetBundle(ev.unit)), pulls: s.deps.filter((d) => d.kind === 'requires' || d.kind === 'wants'), file: ev.file });
    } else rest.push(s);
  }
  return { services: rest, targets };
}

function describe(bundle: string): string {
  return bundle.startsWith('runlevel-') ? `runlevel ${bundle.slice('runlevel-'.length)}` : `target ${bundle}`;
}

/** `origin`: the file that first asks for the bundle (a service started in it, the `.target` unit). */
function startBundle(reg: Registry, name: string, origin?: Origin): PendingBundle {
  const facility = reg.aliases.get(name);
  if (facility !== undefined) return reg.ensureBundle(facility, '-facility', `facility ${facility}`, origin);
  if (name === DEFAULT_BUNDLE) return reg.ensureBundle(DEFAULT_BUNDLE, '-bundle', 'the bundle s6-rc boots', origin);
  return reg.ensureBundle(name, '-bundle', describe(name), origin);
}

export function addStartBundles(reg: Registry, targets: readonly TargetUnit[]): void {
  for (const s of reg.services.values()) {
    for (const b of s.startIn) startBundle(reg, b, { file: sourceFile(s) }).members.add(serviceNode(s.name));
  }
  const sortedTargets = [...targets].sort((a, b) => cmp(a.bundle, b.bundle));
  // A bundle a target unit defines comes from that unit, even when a service named it first.
  for (const t of sortedTargets) startBundle(reg, t.bundle).origin = { file: t.file };
  for (const t of sortedTargets) {
    const bundle = startBundle(reg, t.bundle);
    for (const d of t.pulls) {
      const name = d.facility ? d.target : d.target.endsWith('.target') ? targetBundle(d.target) : d.target.replace(/\.service$/, '');
      if (reg.services.has(name) && !d.facility) bundle.members.add(serviceNode(name));
      else if (reg.bundles.has(name) || targets.some((o) => o.bundle === name)) {
        if (name !== t.bundle) bundle.members.add(bundleNode(startBundle(reg, name, { file: t.file }).wanted));
      } else if (d.facility) bundle.members.add(bundleNode(reg.ensureBundle(name, '-facility', `facility ${name}`, d.origin).wanted));
    }
  }
}

/**
 * `default`: the host's default bundles; without any, Debian's runlevel 2 on a sysvinit host, otherwise
 * every start bundle. Boot always passes through the early levels first (sysvinit runs rcS.d before the
 * default runlevel, Debian Policy 9.3; OpenRC runs sysinit and boot before default, openrc(8)), so those
 * join `default` too.
 */
export function addDefaultBundle(reg: Registry, host: HostFacts, diagnostics: Diagnostic[]): void {
  const starts = [...reg.bundles.values()]
    .filter((b) => b.reason.startsWith('runlevel ') || b.reason.startsWith('target '))
    .map((b) => b.wanted)
    .sort(cmp);
  let chosen: string[];
  const sysvStarts = starts.filter((b) => SYSV_LEVEL_BUNDLES.has(b));
  const origin = host.defaultBundles?.origin ?? guessOrigin(reg, sysvStarts.length > 0 ? sysvStarts : starts);
  if (host.defaultBundles && host.defaultBundles.bundles.length > 0) {
    chosen = host.defaultBundles.bundles.map(cleanName);
  } else if (sysvStarts.length > 0) {
    chosen = [runlevelBundle(DEBIAN_DEFAULT_RUNLEVEL)];
    diagnostics.push(diag('note', 'default-bundle-guessed', origin.file, undefined,
      `no default runlevel found: ${DEFAULT_BUNDLE} starts runlevel ${DEBIAN_DEFAULT_RUNLEVEL}, Debian's default`));
  } else {
    chosen = starts;
    if (starts.length > 0) {
      diagnostics.push(diag('note', 'default-bundle-guessed', origin.file, undefined,
        `no default runlevel or target found: ${DEFAULT_BUNDLE} starts every start bundle (${starts.join(', ')})`));
    }
  }
  const early: string[] = [];
  if (chosen.some((b) => SYSV_LEVEL_BUNDLES.has(b) && b !== SYSV_RUNLEVEL_S)) early.push(SYSV_RUNLEVEL_S);
  if (chosen.some((b) => OPENRC_LEVEL_BUNDLES.includes(b))) early.push(...OPENRC_EARLY_LEVELS);
  const def = startBundle(reg, DEFAULT_BUNDLE, origin);
  for (const b of early) if (reg.bundles.has(b) && !chosen.includes(b)) chosen.push(b);
  for (const b of chosen) {
    if (b === DEFAULT_BUNDLE) continue;
    if (!reg.bundles.has(b) && !reg.aliases.has(b)) {
      diagnostics.push(diag('note', 'default-bundle-empty', origin.file, origin.line,
        `default bundle ${b} has no services on this host: created empty`));
    }
    def.members.add(bundleNode(startBundle(reg, b).wanted));
  }
}

/**
 * Where a guessed `default` comes from when the host names none: the directory holding the scripts or
 * units that asked for the start bundles it is built from (`/etc/init.d` under the root), the place a
 * user looks to see what boots.
 */
function guessOrigin(reg: Registry, bundles: readonly string[]): Origin {
  const files = bundles.map((b) => reg.bundles.get(b)?.origin?.file).filter((f): f is string => f !== undefined).sort(cmp);
  const first = files[0] ?? [...reg.services.values()].map(sourceFile).sort(cmp)[0];
  return { file: first === undefined ? '.' : dirname(first) };
}
