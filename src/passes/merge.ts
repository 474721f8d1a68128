/**
 * Merge pass: the importers each return their own services; one host service may be described by an init
 * script and a unit at once (same name, or a unit whose `Alias=` is the script's name). The result is ONE
 * service per name with every source, winner first.
 *
 * Who wins (issue 3): a script (sysv or OpenRC) beats a unit, because the first conversion wraps what the
 * host was running; the unit stays as evidence for the upgrade. A source that has no wrapper loses to one
 * that has, so a service is never lost only because its preferred source could not be converted.
 */
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import type { Evidence, HostFacts, ImportResult, Service, SourceFacts, SourceFormat } from '../model/service.js';

/** Lower wins. Scripts before units (issue 3); OpenRC before sysv only to be deterministic. */
const FORMAT_RANK: Record<SourceFormat, number> = { openrc: 0, sysv: 1, systemd: 2 };

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

function rank(s: Service): [number, number, string, string] {
  return [s.wrapper ? 0 : 1, FORMAT_RANK[s.format], sourceFile(s), s.name];
}

function compareCandidates(a: Service, b: Service): number {
  const ra = rank(a);
  const rb = rank(b);
  return ra[0] - rb[0] || ra[1] - rb[1] || cmp(ra[2], rb[2]) || cmp(ra[3], rb[3]);
}

function factsOf(s: Service): SourceFacts {
  const f: SourceFacts = { name: s.name, provides: s.provides, deps: s.deps, startIn: s.startIn, run: s.run };
  if (s.description !== undefined) f.description = s.description;
  if (s.wrapper) f.wrapper = s.wrapper;
  return f;
}

function whyWon(winner: Service, loser: Service): string {
  if (winner.wrapper && !loser.wrapper) return `${loser.format} source ${sourceFile(loser)} gives no way to start it`;
  if (winner.format !== loser.format) {
    if (loser.format === 'systemd') {
      return 'the first conversion wraps the init script the host was running; the unit is kept as evidence for the upgrade';
    }
    return `${winner.format} is preferred over ${loser.format} when both describe one service`;
  }
  return `same format twice: the first file in byte order wins`;
}

function mergeGroup(group: Service[], diagnostics: Diagnostic[]): Service {
  const sorted = [...group].sort(compareCandidates);
  const winner = sorted[0]!;
  if (sorted.length === 1) return winner;
  const losers = sorted.slice(1);
  const sources: Evidence[] = [...winner.sources];
  const provides = new Set(winner.provides);
  const reasons: string[] = [];
  for (const loser of losers) {
    loser.sources.forEach((ev, i) => sources.push(i === 0 ? { ...ev, lost: factsOf(loser) } : ev));
    for (const p of [loser.name, ...loser.provides]) provides.add(p);
    const why = whyWon(winner, loser);
    reasons.push(why);
    diagnostics.push(
      diag('note', 'merge-winner', sourceFile(winner), undefined,
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

function isScriptDefault(r: ImportResult): boolean {
  const fmt = r.services[0]?.format;
  if (fmt) return fmt !== 'systemd';
  return (r.host.defaultBundles?.bundles ?? []).every((b) => b.startsWith('runlevel-'));
}

function mergeHosts(results: ImportResult[], diagnostics: Diagnostic[]): HostFacts {
  const host: HostFacts = { facilityMembers: {} };
  for (const r of results) {
    for (const [facility, members] of Object.entries(r.host.facilityMembers)) {
      (host.facilityMembers[facility] ??= []).push(...members);
    }
  }
  const defaults = results
    .filter((r) => r.host.defaultBundles)
    .sort((a, b) => Number(isScriptDefault(b)) - Number(isScriptDefault(a)) ||
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
          `not ${d.bundles.join(', ')} from ${d.origin.file} (init scripts' default runlevel wins over systemd's default.target)`));
      }
    }
  }
  return host;
}

export function mergeImports(results: readonly ImportResult[]): MergeResult {
  const diagnostics: Diagnostic[] = results.flatMap((r) => r.diagnostics);
  const all = results.flatMap((r) => r.services);
  const services = groupServices(all).map((g) => mergeGroup(g, diagnostics));
  services.sort((a, b) => cmp(a.name, b.name));
  return { services, host: mergeHosts([...results], diagnostics), diagnostics };
}
