/**
 * Meaning of each LSB header field, one small handler per field (after systemd's sysv-generator). Facility
 * names (`$network`) are translated through `src/model/facilities.ts`.
 */
import { diag, type Diagnostic } from '../../src/model/diagnostic.js';
import { EVERY_SERVICE, facilityFromLsb, LSB_ALL } from '../../src/model/facilities.js';
import type { DepKind, DepRef, Finding, Origin } from '../../src/model/service.js';
import type { LsbField, LsbHeader, KNOWN_FIELDS } from './lsb-header.js';

export interface LsbMeaning {
  provides: string[];
  deps: DepRef[];
  /** Runlevels from Default-Start, valid tokens only (`S`, `0`..`6`). */
  defaultStart?: { levels: string[]; origin: Origin };
  defaultStop?: { levels: string[]; origin: Origin };
  description?: string;
  interactive: boolean;
  findings: Finding[];
}

type FieldName = (typeof KNOWN_FIELDS)[number];

interface Ctx {
  file: string;
  scriptName: string;
  meaning: LsbMeaning;
  diagnostics: Diagnostic[];
  /** Start-phase and stop-phase references, resolved after all fields are read. */
  start: DepRef[];
  stop: DepRef[];
  shortDescription?: string;
  longDescription?: string;
}

/** Which dependency kind and phase each LSB dependency field gives (LSB 4.1 22.2; insserv(8) for X-). */
const DEP_FIELDS: Partial<Record<FieldName, { kind: DepKind; phase: 'start' | 'stop' }>> = {
  // "facilities which must be available during startup of this service"
  'Required-Start': { kind: 'requires', phase: 'start' },
  // "facilities which, if present, should be available during startup"
  'Should-Start': { kind: 'wants', phase: 'start' },
  // insserv: "this script should be started before the listed ones"
  'X-Start-Before': { kind: 'before', phase: 'start' },
  // "facilities which should NOT be stopped before shutdown of this service"
  'Required-Stop': { kind: 'requires', phase: 'stop' },
  'Should-Stop': { kind: 'wants', phase: 'stop' },
  // insserv: "this script should be stopped after the listed ones"
  'X-Stop-After': { kind: 'after', phase: 'stop' },
};

const HANDLERS: Record<FieldName, (f: LsbField, ctx: Ctx) => void> = {
  'Provides': handleProvides,
  'Required-Start': handleDeps,
  'Required-Stop': handleDeps,
  'Should-Start': handleDeps,
  'Should-Stop': handleDeps,
  'X-Start-Before': handleDeps,
  'X-Stop-After': handleDeps,
  'Default-Start': handleRunlevels,
  'Default-Stop': handleRunlevels,
  'Short-Description': (f, ctx) => { ctx.shortDescription = f.value || undefined; },
  'Description': (f, ctx) => { ctx.longDescription = f.value || undefined; },
  'X-Interactive': handleInteractive,
};

export function interpretLsb(header: LsbHeader, file: string, scriptName: string): { meaning: LsbMeaning; diagnostics: Diagnostic[] } {
  const ctx: Ctx = { file, scriptName, meaning: { provides: [], deps: [], interactive: false, findings: [] }, diagnostics: [], start: [], stop: [] };
  for (const f of header.fields) HANDLERS[f.name as FieldName]?.(f, ctx);
  const m = ctx.meaning;
  m.deps.push(...ctx.start);
  // Stop-only references matter only when they add something the start fields do not already order.
  const startKeys = new Set(ctx.start.map(key));
  for (const d of ctx.stop) {
    if (d.kind === 'after' || !startKeys.has(key(d))) m.deps.push(d);
  }
  const desc = ctx.shortDescription ?? ctx.longDescription;
  if (desc !== undefined) m.description = desc;
  return { meaning: m, diagnostics: ctx.diagnostics };
}

const key = (d: DepRef) => `${d.facility ? '$' : ''}${d.target}`;

function words(f: LsbField, ctx: Ctx): string[] {
  if (f.value.includes(',')) {
    ctx.diagnostics.push(diag('warning', 'lsb-comma-list', ctx.file, f.line, `${f.name} separates names with commas; LSB lists are space-separated (read anyway)`));
  }
  return f.value.split(/[\s,]+/).filter((w) => w !== '');
}

function handleProvides(f: LsbField, ctx: Ctx): void {
  const names = words(f, ctx);
  if (names.length === 0) ctx.diagnostics.push(diag('warning', 'lsb-empty-provides', ctx.file, f.line, 'Provides is empty'));
  else if (!names.includes(ctx.scriptName)) {
    ctx.diagnostics.push(diag('note', 'lsb-provides-other-name', ctx.file, f.line, `Provides does not list the script's own name "${ctx.scriptName}"`));
  }
  for (const n of names) {
    if (n.startsWith('$')) {
      ctx.diagnostics.push(diag('warning', 'lsb-provides-facility', ctx.file, f.line, `Provides names facility "${n}"; facilities are given by /etc/insserv.conf, ignored`));
      continue;
    }
    if (n !== ctx.scriptName && !ctx.meaning.provides.includes(n)) ctx.meaning.provides.push(n);
  }
}

function handleDeps(f: LsbField, ctx: Ctx): void {
  const spec = DEP_FIELDS[f.name as FieldName]!;
  const origin: Origin = { file: ctx.file, line: f.line };
  for (const name of words(f, ctx)) {
    const t = depTarget(name, f, ctx);
    if (!t) continue;
    // insserv(8): `$all` only orders ("after every script not using $all"), whichever field names it.
    const kind = t.target === EVERY_SERVICE && !t.facility ? 'after' : spec.kind;
    const ref: DepRef = { kind, target: t.target, facility: t.facility, origin };
    // Should-Start orders against what the host starts anyway; it never enables a service.
    if (kind === 'wants') ref.ifStarted = true;
    if (spec.phase === 'stop') ref.phase = 'stop';
    const list = spec.phase === 'stop' ? ctx.stop : ctx.start;
    if (!list.some((d) => d.kind === ref.kind && key(d) === key(ref))) list.push(ref);
  }
}

function depTarget(name: string, f: LsbField, ctx: Ctx): { target: string; facility: boolean } | undefined {
  if (!name.startsWith('$')) return { target: name, facility: false };
  if (name === LSB_ALL) return { target: EVERY_SERVICE, facility: false };
  const fac = facilityFromLsb(name);
  if (fac) return { target: fac.name, facility: true };
  ctx.diagnostics.push(diag('note', 'lsb-unknown-facility', ctx.file, f.line, `facility "${name}" is not a known LSB/Debian facility; kept as facility "${name.slice(1)}"`));
  return { target: name.slice(1), facility: true };
}

// LSB runlevels: S (single-user boot), 0-6. Lower-case `s` is accepted by sysv-rc as S.
const RUNLEVEL_RE = /^[0-6Ss]$/;

function handleRunlevels(f: LsbField, ctx: Ctx): void {
  const levels: string[] = [];
  for (const tok of f.value.split(/\s+/).filter((w) => w !== '')) {
    if (!RUNLEVEL_RE.test(tok)) {
      ctx.diagnostics.push(diag('warning', 'lsb-bad-runlevel', ctx.file, f.line, `${f.name}: "${tok}" is not a runlevel (S, 0-6); ignored`));
      continue;
    }
    const l = tok.toUpperCase();
    if (!levels.includes(l)) levels.push(l);
  }
  const entry = { levels, origin: { file: ctx.file, line: f.line } };
  if (f.name === 'Default-Start') ctx.meaning.defaultStart = entry;
  else ctx.meaning.defaultStop = entry;
}

function handleInteractive(f: LsbField, ctx: Ctx): void {
  const v = f.value.toLowerCase();
  if (v === 'true') {
    ctx.meaning.interactive = true;
    ctx.meaning.findings.push({
      code: 'lsb-interactive',
      message: 'X-Interactive: true: the script expects a terminal (e.g. to ask a passphrase), but an s6-rc oneshot runs with none',
      origin: { file: ctx.file, line: f.line },
    });
  } else if (v !== 'false' && v !== '') {
    ctx.diagnostics.push(diag('warning', 'lsb-bad-boolean', ctx.file, f.line, `X-Interactive: "${f.value}" is neither true nor false; taken as false`));
  }
}
