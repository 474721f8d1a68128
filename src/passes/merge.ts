/**
 * Merge pass: the importers each return their own services; one host service may be described by an init
 * script and a unit at once (same name, or a unit whose `Alias=` is the script's name). The result is ONE
 * service per name whose every run fact (wrapper, daemon, user, environment, directory, dependencies,
 * start bundles) comes from ONE definition: the one the host's init system runs. A sysvinit host runs the
 * script; a systemd host runs the unit, which shadows the script of the same name (systemd-sysv-generator
 * skips such scripts); an OpenRC host runs the OpenRC script. The other definitions stay in `sources` as
 * evidence only (marked `lost`), with a note. Only when the winning definition cannot be converted at all
 * (no wrapper) does another one stand in, with a warning saying so.
 */
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import type { InitSystem } from '../host-init.js';
import type { Evidence, HostFacts, ImportResult, Service, SourceFacts, SourceFormat } from '../model/service.js';

/** Lower wins: the host's init system's own format first. */
const FORMAT_RANK: Record<InitSystem, Record<SourceFormat, number>> = {
  sysv: { sysv: 0, openrc: 1, systemd: 2 },
  openrc: { openrc: 0, sysv: 1, systemd: 2 },
  systemd: { systemd: 0, sysv: 1, openrc: 2 },
};

/** The init system when the caller detected none: the scripts' format if any (the old rule), else systemd. */
export function initFromFormats(results: readonly ImportResult[]): InitSystem {
  const formats = new Set(results.flatMap((r) => r.services.map((s) => s.format)));
  return formats.has('openrc') ? 'openrc' : formats.has('sysv') ? 'sysv' : 'systemd';
}

export interface MergeResult {
  services: Service[];
  host: HostFacts;
  diagnostics: Diagnostic[];
}

export function sourceFile(s: Service): string {
  return s.sources[0]?.file ?? s.name;
}

/** `foo.service` names the same thing as `foo`. */
function unitBase(name: string): string {
  return name.endsWith('.service') ? name.slice(0, -'.service'.length) : name;
}

function compareCandidates(init: InitSystem, a: Service, b: Service): number {
  const ra = [a.wrapper ? 0 : 1, FORMAT_RANK[init][a.format]] as const;
  const rb = [b.wrapper ? 0 : 1, FORMAT_RANK[init][b.format]] as const;
  return ra[0] - rb[0] || ra[1] - rb[1] || cmp(sourceFile(a), sourceFile(b)) || cmp(a.name, b.name);
}

function factsOf(s: Service): SourceFacts {
  const f: SourceFacts = { name: s.name, provides: s.provides, deps: s.deps, startIn: s.startIn, run: s.run };
  if (s.description !== undefined) f.description = s.description;
  if (s.wrapper) f.wrapper = s.wrapper;
  return f;
}

const INIT_NAME: Record<InitSystem, string> = { sysv: 'sysvinit', openrc: 'OpenRC', systemd: 'systemd' };

function whyWon(init: InitSystem, winner: Service, loser: Service): string {
  if (winner.wrapper && !loser.wrapper) return `${loser.format} source ${sourceFile(loser)} gives no way to start it`;
  if (winner.format !== loser.format) {
    if (init === 'systemd' && winner.format === 'systemd') {
      return 'the host runs systemd, whose unit shadows the init script of the same name; the script is kept as evidence only';
    }
    return `the host runs ${INIT_NAME[init]}, which runs the ${winner.format === 'sysv' ? 'init script' : winner.format === 'openrc' ? 'OpenRC script' : 'unit'}; the ${loser.format === 'systemd' ? 'unit' : 'script'} is kept as evidence only`;
  }
  return `same format twice: the first file in byte order wins`;
}

function mergeGroup(init: InitSystem, group: Service[], diagnostics: Diagnostic[]): Service {
  const sorted = [...group].sort((a, b) => compareCandidates(init, a, b));
  const winner = sorted[0]!;
  if (sorted.length === 1) return winner;
  const losers = sorted.slice(1);
  const sources: Evidence[] = [...winner.sources];
  const provides = new Set(winner.provides);
  const reasons: string[] = [];
  for (const loser of losers) {
    for (const ev of loser.sources) sources.push({ ...ev, lost: factsOf(loser) });
    for (const p of [loser.name, ...loser.provides]) provides.add(p);
    const why = whyWon(init, winner, loser);
    reasons.push(why);
    // The host's own definition cannot be converted: another one stands in, which the user must know.
    const standIn = FORMAT_RANK[init][winner.format] > FORMAT_RANK[init][loser.format];
    diagnostics.push(
      diag(standIn ? 'warning' : 'note', standIn ? 'merge-stand-in' : 'merge-winner', sourceFile(winner), undefined,
        `${winner.name}: ${sourceFile(winner)} (${winner.format}) is used over ${sourceFile(loser)} (${loser.format}): ${why}`,
        winner.name),
    );
  }
  provides.delete(winner.name);
  const merged: Service = {
    ...winner,
    chosenBecause: [...new Set(reasons)].join('; '),
    provides: [...provides].sort(cmp),
    sources,
    findings: [...winner.findings, ...losers.flatMap((l) => l.findings)],
  };
  if (merged.description === undefined) {
    const d = losers.find((l) => l.description !== undefined)?.description;
    if (d !== undefined) merged.description = d;
  }
  return merged;
}

/**
 * Groups services by name; a unit whose alias (or name) equals a script's name joins the script's group.
 * Only units are matched through aliases: scripts' `Provides` are virtual names, not the same service.
 */
function groupServices(all: Service[]): Service[][] {
  const groups = new Map<string, Service[]>();
  const add = (key: string, s: Service) => {
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  };
  const scriptNames = new Set(all.filter((s) => s.format !== 'systemd').map((s) => s.name));
  for (const s of all) {
    if (s.format === 'systemd' && !scriptNames.has(s.name)) {
      const alias = s.provides.map(unitBase).filter((p) => scriptNames.has(p)).sort(cmp)[0];
      if (alias !== undefined) {
        add(alias, s);
        continue;
      }
    }
    add(s.name, s);
  }
  return [...groups.entries()].sort(([a], [b]) => cmp(a, b)).map(([, g]) => g);
}

/** The format whose importer produced `r` (its services', or what its default bundle looks like). */
function resultFormat(r: ImportResult): SourceFormat {
  const fmt = r.services[0]?.format;
  if (fmt) return fmt;
  const bundles = r.host.defaultBundles?.bundles ?? [];
  if (!bundles.every((b) => b.startsWith('runlevel-'))) return 'systemd';
  return bundles.some((b) => /^runlevel-(sysinit|boot|default)$/.test(b)) ? 'openrc' : 'sysv';
}

function mergeHosts(init: InitSystem, results: ImportResult[], diagnostics: Diagnostic[]): HostFacts {
  const host: HostFacts = { facilityMembers: {} };
  for (const r of results) {
    for (const [facility, members] of Object.entries(r.host.facilityMembers)) {
      (host.facilityMembers[facility] ??= []).push(...members);
    }
  }
  const runlevels = results.find((r) => r.host.openrcRunlevels)?.host.openrcRunlevels;
  if (runlevels) host.openrcRunlevels = runlevels;
  const defaults = results
    .filter((r) => r.host.defaultBundles)
    .sort((a, b) => FORMAT_RANK[init][resultFormat(a)] - FORMAT_RANK[init][resultFormat(b)] ||
      cmp(a.host.defaultBundles!.origin.file, b.host.defaultBundles!.origin.file));
  const chosen = defaults[0]?.host.defaultBundles;
  if (chosen) {
    host.defaultBundles = chosen;
    const key = (bs: string[]) => [...bs].sort(cmp).join(' ');
    for (const other of defaults.slice(1)) {
      const d = other.host.defaultBundles!;
      if (key(d.bundles) !== key(chosen.bundles)) {
        diagnostics.push(diag('note', 'merge-default-bundles', d.origin.file, d.origin.line,
          `default bundles disagree: using ${chosen.bundles.join(', ')} from ${chosen.origin.file}, ` +
          `not ${d.bundles.join(', ')} from ${d.origin.file} (the host runs ${INIT_NAME[init]})`));
      }
    }
  }
  return host;
}

export function mergeImports(results: readonly ImportResult[], init: InitSystem = initFromFormats(results)): MergeResult {
  const diagnostics: Diagnostic[] = results.flatMap((r) => r.diagnostics);
  const all = results.flatMap((r) => r.services);
  const services = groupServices(all).map((g) => mergeGroup(init, g, diagnostics));
  services.sort((a, b) => cmp(a.name, b.name));
  return { services, host: mergeHosts(init, [...results], diagnostics), diagnostics };
}
