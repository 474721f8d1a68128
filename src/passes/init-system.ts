/**
 * The host's init system decides what starts (issue 11): after the merge, each service keeps the start
 * bundles the host's own init system would give it, and nothing from a format that init never reads.
 * - sysvinit: the scripts' rc?.d links; units and OpenRC scripts are never run.
 * - systemd: units by their links; a script without a unit runs through systemd-sysv-generator(8),
 *   which wants it from multi-user.target for an S link in rc2.d-rc4.d and graphical.target for rc5.d
 *   (rcS.d and rc1.d are not read); OpenRC scripts are never run.
 * - OpenRC: what /etc/runlevels lists, LSB scripts included (Debian's OpenRC runs them, reading their
 *   headers with lsb2rcconf); units are never run.
 * Scripts ordered only by their rc?.d numbers (no LSB header) keep that order, as the generator keeps it:
 * between two scripts of which at least one has no header, the lower S number starts first.
 */
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import { runlevelBundle } from '../model/naming.js';
import type { InitSystem } from '../host-init.js';
import type { DepRef, HostFacts, Service, SysvEvidence } from '../model/service.js';
import { OPENRC_STOP_LEVELS } from '../../importers/openrc/runlevels.js';
import { sourceFile } from './merge.js';
import { chooseOpenrcProviders } from './openrc-providers.js';

/** systemd-sysv-generator's runlevel table: rcN.d S link -> the target that wants the generated unit. */
const GENERATOR_TARGET: Record<string, string> = {
  [runlevelBundle('2')]: 'multi-user',
  [runlevelBundle('3')]: 'multi-user',
  [runlevelBundle('4')]: 'multi-user',
  [runlevelBundle('5')]: 'graphical',
};

const INIT_NAME: Record<InitSystem, string> = { sysv: 'sysvinit', openrc: 'OpenRC', systemd: 'systemd' };

function sysvEvidence(s: Service): SysvEvidence | undefined {
  const ev = s.sources[0];
  return ev?.format === 'sysv' ? ev : undefined;
}

/** Not run by this init at all: no start bundle, and the user is told once per service that had one. */
function notRun(s: Service, init: InitSystem, what: string, diagnostics: Diagnostic[]): Service {
  if (s.startIn.length > 0 || s.enabled?.value) {
    diagnostics.push(diag('note', 'not-run-by-init', sourceFile(s), undefined,
      `${s.name}: the host runs ${INIT_NAME[init]}, which does not run ${what}: in no start bundle`, s.name));
  }
  return { ...s, startIn: [], enabled: { value: false, why: `the host runs ${INIT_NAME[init]}, which does not run ${what}` } };
}

function forSystemd(s: Service, diagnostics: Diagnostic[]): Service {
  if (s.format === 'systemd') return s;
  if (s.format === 'openrc') return notRun(s, 'systemd', 'OpenRC scripts', diagnostics);
  const targets = [...new Set(s.startIn.map((b) => GENERATOR_TARGET[b]).filter((t): t is string => t !== undefined))].sort(cmp);
  const dropped = s.startIn.filter((b) => GENERATOR_TARGET[b] === undefined);
  if (dropped.length > 0 && targets.length === 0) {
    diagnostics.push(diag('note', 'sysv-generator-level-ignored', sourceFile(s), undefined,
      `${s.name}: started only in ${dropped.join(', ')}, which systemd-sysv-generator does not read: the host does not start it`, s.name));
  }
  const why = targets.length > 0
    ? `systemd-sysv-generator: ${s.enabled?.why ?? 'rc links'} -> ${targets.map((t) => `${t}.target`).join(', ')}`
    : `systemd-sysv-generator finds no S link in rc2.d-rc5.d${s.enabled ? ` (${s.enabled.why})` : ''}`;
  return { ...s, startIn: targets, enabled: { value: targets.length > 0, why } };
}

/**
 * An LSB header only orders, whichever init runs the script: sysv-rc starts exactly the linked scripts
 * in insserv's order; systemd-sysv-generator turns Required-Start/Should-Start into After=; Debian's
 * OpenRC (lsb2rcconf) into `use`, but for a Required-Start service name, which becomes `need`. Otherwise
 * none of them starts a script because another requires it, so neither does the conversion: every start
 * dependency orders against what is started anyway.
 */
function lsbOrdersOnly(s: Service, init: InitSystem, started: ReadonlySet<string>, diagnostics: Diagnostic[]): Service {
  if (s.format !== 'sysv' || !s.deps.some((d) => d.phase !== 'stop' && (d.kind === 'requires' || (d.kind === 'wants' && !d.ifStarted)))) return s;
  const deps = s.deps.map((d): DepRef => {
    if (d.phase === 'stop' || (d.kind !== 'requires' && d.kind !== 'wants')) return d;
    // Except on OpenRC: lsb2rcconf makes a Required-Start service name a `need`, which starts it.
    if (init === 'openrc' && d.kind === 'requires' && !d.facility) return d;
    if (d.kind === 'requires' && !d.facility && !started.has(d.target) && s.startIn.length > 0) {
      diagnostics.push(diag('warning', 'lsb-required-not-started', d.origin.file, d.origin.line,
        `${s.name}: Required-Start ${d.target}, which the host does not start; the init system would not start it for ${s.name} either, so neither does s6-rc (order only)`, s.name));
    }
    return { ...d, kind: 'wants', ifStarted: true };
  });
  return { ...s, deps };
}

function forOpenrc(s: Service, host: HostFacts): Service {
  const levels = Object.entries(host.openrcRunlevels ?? {})
    .filter(([level, names]) => !OPENRC_STOP_LEVELS.has(level) && names.includes(s.name))
    .map(([level]) => level)
    .sort(cmp);
  const startIn = levels.map(runlevelBundle);
  const why = levels.length > 0
    ? `in runlevel${levels.length > 1 ? 's' : ''} ${levels.join(', ')} (/etc/runlevels; OpenRC runs LSB scripts)`
    : 'in no OpenRC runlevel (its rc?.d links are not read by OpenRC)';
  return { ...s, startIn, enabled: { value: startIn.length > 0, why } };
}

export function adaptToInit(services: readonly Service[], host: HostFacts, init: InitSystem, diagnostics: Diagnostic[]): Service[] {
  const adapted = services.map((s) => {
    if (init === 'systemd') return forSystemd(s, diagnostics);
    if (s.format === 'systemd') return notRun(s, init, 'units', diagnostics);
    if (init === 'sysv' && s.format === 'openrc') return notRun(s, init, 'OpenRC scripts', diagnostics);
    if (init === 'openrc' && s.format === 'sysv') return forOpenrc(s, host);
    return s;
  });
  const started = new Set(adapted.filter((s) => s.startIn.length > 0).flatMap((s) => [s.name, ...s.provides]));
  const ordered = adapted.map((s) => lsbOrdersOnly(s, init, started, diagnostics));
  return init === 'openrc' ? chooseOpenrcProviders(ordered, host, diagnostics) : orderByRcNumbers(ordered);
}

/**
 * systemd-sysv-generator: "if both units have LSB headers, their priorities do not matter"; otherwise the
 * script with the lower S number is ordered before the other. Added as order-only references, so they
 * never pull a service in.
 */
function orderByRcNumbers(services: Service[]): Service[] {
  const ranked = services
    .map((s) => ({ s, ev: sysvEvidence(s) }))
    .filter((x): x is { s: Service; ev: SysvEvidence } => x.ev?.startPriority !== undefined && x.s.startIn.length > 0);
  if (!ranked.some((x) => !x.ev.hasLsbHeader)) return services;
  // rcS.d runs before every other runlevel: a script started only there ranks before all the others.
  const rank = (x: { s: Service; ev: SysvEvidence }) => (x.s.startIn.every((b) => b === runlevelBundle('S')) ? 0 : 100) + x.ev.startPriority!;
  const extra = new Map<string, DepRef[]>();
  for (const a of ranked) {
    for (const b of ranked) {
      if (a === b || (a.ev.hasLsbHeader && b.ev.hasLsbHeader)) continue;
      if (rank(a) >= rank(b)) continue;
      // a before b: b is ordered after a.
      const list = extra.get(b.s.name) ?? [];
      list.push({ kind: 'after', target: a.s.name, facility: false, origin: { file: b.ev.file } });
      extra.set(b.s.name, list);
    }
  }
  return services.map((s) => {
    const more = extra.get(s.name);
    if (!more) return s;
    const have = new Set(s.deps.filter((d) => !d.facility && d.kind === 'after').map((d) => d.target));
    return { ...s, deps: [...s.deps, ...more.filter((d) => !have.has(d.target))] };
  });
}
