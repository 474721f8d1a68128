/**
 * A loaded unit (settings after drop-ins) -> one model `Service`: specifiers expanded, dependencies,
 * start bundles, run facts, the wrapper, and a finding for everything s6 cannot carry.
 */
import { basename, dirname } from 'node:path';
import { diag, type Diagnostic } from '../../src/model/diagnostic.js';
import { facilityFromSystemd } from '../../src/model/facilities.js';
import { targetBundle } from '../../src/model/naming.js';
import { emptyRunFacts, type DepKind, type DepRef, type ExecLine, type Finding, type Origin, type Service, type SystemdEvidence } from '../../src/model/service.js';
import { onSystem } from '../../src/util/host-path.js';
import { WHOLE_UNIT_SECTIONS, directiveInfo } from './directives.js';
import { expandVariables, parseExecValue, referencedVariables } from './exec-line.js';
import type { LoadedUnit } from './load-unit.js';
import { expandSpecifiers, type HostIdentity } from './specifiers.js';
import { lastValue, resetOrigin, values, type SettingValue } from './unit-file.js';
import { applyRunSettings } from './run-facts.js';
import { buildWrapper } from './wrapper.js';
import { parseBoolean } from './values.js';

export interface BuildContext {
  root: string;
  host: HostIdentity;
  /** Targets (or other units) whose `.wants/`/`.requires/` directory links to this unit. */
  linkedBy: { owner: string; path: string }[];
  /** Links in this unit's own `.wants/`/`.requires/` directories (what enabling other units added to it). */
  pulls?: { kind: 'wants' | 'requires'; unit: string; path: string }[];
  /** Other names linking to this unit in the unit directories (`portmap.service -> rpcbind.service`). */
  aliasLinks: { name: string; path: string }[];
  /** Whether [Install] WantedBy=/RequiredBy= start this unit (false for a template instance only named by a link). */
  useInstall: boolean;
  /** `onSystem(root, path)`, when the caller has a faster one (see index.ts). */
  systemPath?: (diskPath: string) => string;
}

const SERVICE_TYPES = new Set(['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'notify-reload', 'idle']);

// What s6 offers instead of each non-service unit type (issue 3; s6 and s6-networking documentation).
const NOT_A_SERVICE: Record<string, string> = {
  socket: 'socket activation has no s6 equivalent: let the daemon open its own listener, or run it as a longrun under s6-ipcserver (unix socket) or s6-tcpserver (TCP)',
  timer: 'timers have no s6 equivalent: run the job from cron, or from a longrun that loops with snooze (or sleep)',
  path: 'path activation has no s6 equivalent: a longrun that waits with inotifywait can start the job',
  mount: 'mount units are not services: keep the mount in /etc/fstab, or write a oneshot that mounts it',
  automount: 'automount units have no s6 equivalent: use autofs or an fstab entry',
  swap: 'swap units are not services: keep the swap in /etc/fstab',
  slice: 'slices are cgroup groupings, which s6 does not manage',
  scope: 'scopes are created at run time by systemd; nothing to convert',
  device: 'device units come from udev; nothing to convert',
};

// Targets only involved in shutdown: DefaultDependencies= adds Conflicts=/Before= on them; s6-rc brings
// everything down at shutdown anyway (systemd.special(7)).
const SHUTDOWN_TARGETS = new Set(['shutdown.target', 'umount.target', 'final.target', 'reboot.target', 'halt.target', 'poweroff.target', 'kexec.target']);

const DEP_KEYS: readonly { key: string; kind: DepKind }[] = [
  { key: 'Requires', kind: 'requires' }, { key: 'BindsTo', kind: 'requires' }, { key: 'Requisite', kind: 'requires' },
  { key: 'Wants', kind: 'wants' }, { key: 'After', kind: 'after' }, { key: 'Before', kind: 'before' }, { key: 'Conflicts', kind: 'conflicts' },
];

type ExecField = 'execStart' | 'execStartPre' | 'execStartPost' | 'execStop' | 'execStopPost' | 'execReload';
/** Command-line settings in the order they are read, with their evidence field. */
const EXEC_KEYS: readonly { key: string; field: ExecField }[] = [
  { key: 'ExecStartPre', field: 'execStartPre' }, { key: 'ExecStart', field: 'execStart' }, { key: 'ExecStartPost', field: 'execStartPost' },
  { key: 'ExecStop', field: 'execStop' }, { key: 'ExecStopPost', field: 'execStopPost' }, { key: 'ExecReload', field: 'execReload' },
];

/** A unit name as a model reference: facility, target bundle, service name, or the unit name as is. */
export function depTarget(unit: string): { target: string; facility: boolean } {
  const f = facilityFromSystemd(unit);
  if (f) return { target: f.name, facility: true };
  if (unit.endsWith('.target')) return { target: targetBundle(unit), facility: false };
  if (unit.endsWith('.service')) return { target: unit.slice(0, -'.service'.length), facility: false };
  return { target: unit, facility: false };
}

export function unitKind(type: string): SystemdEvidence['unitType'] {
  return type === 'service' || type === 'socket' || type === 'timer' || type === 'path' || type === 'mount' || type === 'target' ? type : 'other';
}

/**
 * Every directive of a loaded unit as evidence, sections and keys in byte order, with a finding for each
 * one s6 does not carry or only approximates.
 */
function directiveEvidence(loaded: LoadedUnit, get: (section: string, key: string) => readonly SettingValue[], findings: Finding[], fileOrigin: Origin): SystemdEvidence['directives'] {
  const directives: SystemdEvidence['directives'] = {};
  // Sorted with the default comparator (UTF-16 code units, the byte order of `cmp`), which runs natively.
  // Indexed loops: in a cold process `for...of` allocates an iterator and a result object per step.
  const sections = [...loaded.settings.keys()].sort();
  for (let si = 0; si < sections.length; si++) {
    const section = sections[si]!;
    const keys = [...loaded.settings.get(section)!.keys()].sort();
    const rec: Record<string, { values: string[]; origin: Origin }> = {};
    const wholeUnit = WHOLE_UNIT_SECTIONS.has(section);
    for (let ki = 0; ki < keys.length; ki++) {
      const key = keys[ki]!;
      const vals = get(section, key);
      const shownValues = vals.map((v) => v.value);
      rec[key] = { values: shownValues, origin: vals[vals.length - 1]?.origin ?? resetOrigin(loaded.settings, section, key) ?? fileOrigin };
      if (vals.length === 0 || wholeUnit) continue;
      const info = directiveInfo(section, key);
      if (info === undefined || (info.status !== 'not-carried' && info.status !== 'approximated')) continue;
      // `PrivateTmp=no` and the like ask for nothing, so nothing is lost.
      if (info.status === 'not-carried' && vals.every((v) => parseBoolean(v.value) === false)) continue;
      findings.push({ code: info.status === 'not-carried' ? 'unit-directive-not-carried' : 'unit-directive-approximated',
        origin: vals[vals.length - 1]!.origin, message: `${key}=${shownValues.join(' ')}: ${info.note}` });
    }
    directives[section] = rec;
  }
  return directives;
}

export function buildService(loaded: LoadedUnit, ctx: BuildContext, diagnostics: Diagnostic[]): Service {
  const u = loaded.unit;
  const findings: Finding[] = [];
  const fileOrigin: Origin = { file: loaded.fragment };
  const specCtx = { unit: u, fragmentPath: ctx.systemPath ? ctx.systemPath(loaded.fragment) : onSystem(ctx.root, loaded.fragment), host: ctx.host };
  const hostDependentSeen = new Set<string>();
  // Most values have no specifier: those are returned as they are, without a call or a copy (this runs
  // for every value of every unit, mostly once, in a cold process).
  const expand = (text: string, origin: Origin, key: string): string => {
    if (!text.includes('%')) return text;
    const e = expandSpecifiers(text, specCtx);
    for (const s of e.hostDependent) {
      if (hostDependentSeen.has(s)) continue;
      hostDependentSeen.add(s);
      findings.push({ code: 'unit-specifier-host-dependent', origin,
        message: `${key}= uses ${s}, which systemd resolves on the running host; expanded to a guess from this conversion` });
    }
    for (const s of e.unknown) {
      diagnostics.push(diag('warning', 'unit-unknown-specifier', origin.file, origin.line, `${key}=: unknown specifier ${s} (systemd refuses this setting); kept as written`, u.name));
    }
    return e.text;
  };
  /** The values of a setting, specifiers expanded; the settings' own list when no value has one (callers never change it). */
  const get = (section: string, key: string): readonly SettingValue[] => {
    const raw = values(loaded.settings, section, key);
    for (let i = 0; i < raw.length; i++) {
      if (raw[i]!.value.includes('%')) return raw.map((v) => ({ value: expand(v.value, v.origin, key), origin: v.origin }));
    }
    return raw;
  };
  const last = (section: string, key: string): SettingValue | undefined => {
    const v = lastValue(loaded.settings, section, key);
    return v && v.value.includes('%') ? { value: expand(v.value, v.origin, key), origin: v.origin } : v;
  };
  const words = (section: string, key: string): { name: string; origin: Origin }[] => {
    const out: { name: string; origin: Origin }[] = [];
    const vals = get(section, key);
    for (let i = 0; i < vals.length; i++) {
      const { value, origin } = vals[i]!;
      const names = value.match(/\S+/g);
      if (names) for (let j = 0; j < names.length; j++) out.push({ name: names[j]!, origin });
    }
    return out;
  };

  const kind = unitKind(u.type);
  const name = kind === 'service' ? u.name.slice(0, -'.service'.length) : u.name;

  // Evidence: every directive, specifiers expanded (Exec* words are expanded again one by one below).
  const directives = directiveEvidence(loaded, get, findings, fileOrigin);

  const ev: SystemdEvidence = {
    format: 'systemd', file: loaded.fragment, systemPath: specCtx.fragmentPath, unit: u.name, unitType: kind,
    dropIns: loaded.dropIns, execStart: [], execStartPre: [], execStartPost: [], execStop: [], execStopPost: [],
    execReload: [], remainAfterExit: false, directives,
  };

  const service: Service = {
    name, format: 'systemd', provides: [], deps: [], startIn: [], run: emptyRunFacts(), sources: [ev], findings,
  };
  const desc = last('Unit', 'Description');
  if (desc) service.description = desc.value;

  // Dependencies ([Unit], systemd.unit(5)).
  for (const { key, kind: depKind } of DEP_KEYS) {
    for (const w of words('Unit', key)) {
      if ((depKind === 'conflicts' || depKind === 'before') && SHUTDOWN_TARGETS.has(w.name)) continue;
      const t = depTarget(w.name);
      const ref: DepRef = { kind: depKind, target: t.target, facility: t.facility, origin: w.origin };
      service.deps.push(ref);
    }
  }

  // `X.service.wants/U` (from U's [Install] WantedBy=X.service, once enabled): X pulls U in, as Wants=U.
  if (kind !== 'target') {
    for (const l of ctx.pulls ?? []) {
      const t = depTarget(l.unit);
      service.deps.push({ kind: l.kind, target: t.target, facility: t.facility, origin: { file: l.path } });
    }
  }

  // Names and start bundles ([Install], links).
  const provides = new Set<string>();
  for (const w of words('Install', 'Alias')) {
    if (w.name.endsWith('.' + u.type)) provides.add(kind === 'service' ? w.name.slice(0, -'.service'.length) : w.name);
  }
  for (const a of ctx.aliasLinks) provides.add(kind === 'service' ? a.name.replace(/\.service$/, '') : a.name);
  provides.delete(name);
  service.provides = [...provides].sort();
  // Enabled means linked (`X.wants/`, `X.requires/`), as `systemctl enable` leaves it and systemd reads
  // it at boot; [Install] only says what `systemctl enable` would link, so it is evidence, never a start.
  const startIn = new Set<string>();
  const proposed: string[] = [];
  if (ctx.useInstall) {
    for (const key of ['WantedBy', 'RequiredBy', 'UpheldBy']) {
      for (const w of words('Install', key)) proposed.push(`${key}=${w.name}`);
    }
  }
  for (const l of ctx.linkedBy) {
    if (l.owner.endsWith('.target')) startIn.add(targetBundle(l.owner));
    else findings.push({ code: 'unit-install-not-target', origin: { file: l.path }, message: `${l.owner} pulls this unit in through a link: a dependency of ${l.owner}, not a start bundle` });
  }
  // An alias link in /etc is what `systemctl enable` makes of Alias= (display-manager.service ->
  // lightdm.service); one a package ships beside the unit is a second name, not an enablement.
  const sys = ctx.systemPath ?? ((p: string) => onSystem(ctx.root, p));
  const enabledAliases = ctx.aliasLinks.filter((a) => sys(a.path).startsWith('/etc/'));
  if (ctx.linkedBy.length > 0 || enabledAliases.length > 0) {
    const from = [...new Set(ctx.linkedBy.map((l) => basename(dirname(l.path))))].sort();
    const as = enabledAliases.map((a) => a.name).sort();
    service.enabled = { value: true, why: [from.length > 0 ? `linked from ${from.join(', ')}` : '', as.length > 0 ? `aliased as ${as.join(', ')}` : ''].filter(Boolean).join('; ') };
  } else if (proposed.length > 0) {
    service.enabled = { value: false, why: `[Install] ${proposed.join(' ')}, but no .wants/ link: not enabled` };
    diagnostics.push(diag('note', 'unit-not-enabled', fileOrigin.file, undefined,
      `${u.name}: [Install] ${proposed.join(' ')} says what enabling it would link, but no .wants/ or .requires/ link exists: the host does not start it at boot, and neither does the conversion`, u.name));
  } else {
    service.enabled = { value: false, why: 'no .wants/ link and no [Install]: started only when another unit pulls it in' };
  }
  service.startIn = [...startIn].sort();

  if (kind === 'target') return service;
  if (kind !== 'service') {
    findings.push({ code: 'unit-type-not-converted', origin: fileOrigin, message: `${u.name}: ${NOT_A_SERVICE[u.type] ?? `.${u.type} units are not converted`}` });
    return service;
  }

  // Run facts ([Service] and systemd.exec(5)); needs Environment= before the command lines.
  const run = applyRunSettings(loaded, get, last, findings, diagnostics, u.name);
  service.run = run;

  // Command lines: words split, specifiers expanded per word, environment variables resolved if known.
  const envKnown: Record<string, string> = {};
  for (const [k, v] of Object.entries(run.env)) envKnown[k] = v.value;
  for (const { key, field } of EXEC_KEYS) {
    const lines: ExecLine[] = [];
    for (const v of values(loaded.settings, 'Service', key)) {
      const parsed = parseExecValue(v.value, v.origin, (w) => expand(w, v.origin, key));
      if (!parsed.ok) {
        diagnostics.push(diag('error', 'unit-exec-syntax', v.origin.file, v.origin.line, `${key}=: ${parsed.error}; systemd ignores this command line`, u.name));
        continue;
      }
      for (const line of parsed.lines) {
        const refs = line.prefixes.includes(':') ? [] : referencedVariables(line.argv);
        if (refs.length > 0) {
          if (run.envFiles.length === 0 && refs.every((r) => r in envKnown)) {
            line.argv = expandVariables(line.argv, envKnown);
            line.expanded = true;
          } else {
            findings.push({ code: 'unit-exec-variables', origin: line.origin,
              message: `${key}= uses ${refs.map((r) => '$' + r).join(', ')}: systemd expands ${refs.length > 1 ? 'them' : 'it'} at start time from Environment=/EnvironmentFile=; so does the s6 command, through /bin/sh with globbing off` });
          }
        }
        lines.push(line);
      }
    }
    ev[field] = lines;
  }

  const typeSetting = last('Service', 'Type');
  const remain = last('Service', 'RemainAfterExit');
  ev.remainAfterExit = remain !== undefined && parseBoolean(remain.value) === true;
  let type: SystemdEvidence['serviceType'];
  if (typeSetting && SERVICE_TYPES.has(typeSetting.value)) type = typeSetting.value as SystemdEvidence['serviceType'];
  else {
    if (typeSetting) diagnostics.push(diag('error', 'unit-bad-type', typeSetting.origin.file, typeSetting.origin.line, `unknown Type=${typeSetting.value}; using the default`, u.name));
    // systemd.service(5): default simple; dbus when BusName= is set; oneshot without ExecStart=.
    type = ev.execStart.length === 0 ? 'oneshot' : last('Service', 'BusName') ? 'dbus' : 'simple';
    // RemainAfterExit=yes without Type=: the command runs to completion and the unit stays active
    // (resolvconf.service); supervised, it would be restarted in a loop and its ExecStop= lost.
    if (type === 'simple' && ev.remainAfterExit && remain) {
      type = 'oneshot';
      findings.push({ code: 'unit-remain-oneshot', origin: remain.origin,
        message: 'RemainAfterExit=yes without Type=: ExecStart runs to completion, so the unit becomes a oneshot (ExecStop= is its down), not a supervised longrun' });
    }
  }
  ev.serviceType = type;
  const restart = last('Service', 'Restart');
  if (restart) ev.restart = restart.value;

  const first = ev.execStart[0];
  if (first) service.run.daemon = { argv: [...first.argv], origin: first.origin };
  if (ev.execStart.length > 1 && type !== 'oneshot') {
    const second = ev.execStart[1]!;
    diagnostics.push(diag('error', 'unit-multiple-exec-start', second.origin.file, second.origin.line,
      `${ev.execStart.length} ExecStart= command lines, which systemd only allows for Type=oneshot (it refuses to load the unit); no wrapper`, u.name));
    findings.push({ code: 'unit-multiple-exec-start', origin: second.origin, message: 'several ExecStart= lines on a non-oneshot unit: not converted' });
    return service;
  }
  const w = buildWrapper(ev, run.pidfile?.path, run.stopSignal?.name ?? 'TERM', typeSetting?.origin);
  findings.push(...w.findings);
  if (w.wrapper) service.wrapper = w.wrapper;
  return service;
}
