/**
 * Upgrade and downgrade on an in-memory workspace (tree + saved model + migration state). Pure: the
 * commands and the wizard load a workspace, call these, and write the result through the validator.
 */
import type { Service } from '../model/service.js';
import { emitTree } from '../s6rc/emit.js';
import { definition, type S6Definition, type S6Tree } from '../s6rc/tree.js';
import { stageOf, type MigrationState, type SavedModel, type ServiceState } from '../state/state.js';
import { jobReason } from './jobs.js';
import { inferForeground, type ForegroundProposal, type ForegroundRefusal } from './foreground.js';
import { applyPlan, planLongrun, type LongrunPlan, type UpgradeOptions } from './longrun.js';

export interface Workspace {
  tree: S6Tree;
  model: SavedModel;
  state: MigrationState;
}

export interface UpgradeRequest extends UpgradeOptions {
  /** Foreground argv chosen by the user. */
  command?: string[];
}

export interface Proposal {
  service: Service;
  current: S6Definition;
  fg: ForegroundProposal;
  plan: LongrunPlan;
  request: UpgradeRequest;
}

export type ProposalResult =
  | { ok: true; proposal: Proposal }
  | { ok: false; code: string; reason: string; service?: Service; fg?: ForegroundRefusal };

export function findService(ws: Workspace, name: string): Service | undefined {
  return ws.model.services.find((s) => s.name === name);
}

/**
 * What the first conversion made of a service that can be upgraded: a oneshot wrapper, or a plain longrun
 * (a systemd unit of a foreground type) that is not part of a pipeline yet.
 */
export function firstConversionKind(def: S6Definition | undefined): 'oneshot' | 'longrun' | undefined {
  if (def?.type === 'oneshot') return 'oneshot';
  if (def?.type === 'longrun' && !['producer-for', 'consumer-for', 'pipeline-name'].some((f) => f in def.files)) return 'longrun';
  return undefined;
}

/** Services still running as their first-conversion definition, in name order. */
export function pendingServices(ws: Workspace): string[] {
  return ws.model.services
    .map((s) => s.name)
    .filter((n) => stageOf(ws.state, n) === 'wrapper' && firstConversionKind(ws.tree.definitions.get(n)) !== undefined)
    .sort();
}

/** Services the migration covers: those still as the first conversion made them, plus those upgraded. */
export function trackedServices(ws: Workspace): string[] {
  return ws.model.services
    .map((s) => s.name)
    .filter((n) => stageOf(ws.state, n) === 'longrun' || firstConversionKind(ws.tree.definitions.get(n)) !== undefined)
    .sort();
}

/** Pending services the first conversion already made longruns (shown as such by `status`). */
export function unloggedLongruns(ws: Workspace): Set<string> {
  return new Set(pendingServices(ws).filter((n) => firstConversionKind(ws.tree.definitions.get(n)) === 'longrun'));
}

export function propose(ws: Workspace, name: string, request: UpgradeRequest): ProposalResult {
  const service = findService(ws, name);
  if (!service) return { ok: false, code: 'unknown-service', reason: `no service named ${name} in model.json` };
  if (stageOf(ws.state, name) === 'longrun') return { ok: false, code: 'already-upgraded', reason: `${name} is already a supervised longrun`, service };
  const current = ws.tree.definitions.get(name);
  if (!current || !firstConversionKind(current)) {
    const what = !current ? 'absent' : current.type === 'longrun' ? 'a longrun already in a pipeline' : `a ${current.type}`;
    return { ok: false, code: 'not-upgradable', reason: `${name} is neither a oneshot wrapper nor a plain longrun in the tree (${what})`, service };
  }
  // A job (started by a timer or path unit) is refused as one, whatever its ExecStart looks like; a
  // command the user gives is the user's decision.
  const job = request.command ? undefined : jobReason(ws.model.services, service);
  if (job) return { ok: false, code: 'job', reason: job, service };
  const fgOpts = request.command ? { command: request.command } : {};
  const fg = inferForeground(service, fgOpts);
  if (!fg.ok) return { ok: false, code: fg.code, reason: fg.reason, service, fg };
  // Neither --yes nor the wizard's Accept may write script text in place of a value: the user gives the command.
  if (fg.unknownWords) return { ok: false, code: 'unresolved-arguments', reason: `${fg.unknownWords} (${JSON.stringify(fg.argv)}): give the command with --command`, service };
  const planned = planLongrun(service, fg, current, ws.tree, request);
  if (!planned.ok) return { ok: false, code: planned.code, reason: planned.reason, service };
  // Start-time work the longrun would skip is never dropped silently: low confidence, with the reason.
  const dropped = planned.plan.dropped;
  let checked = dropped.length === 0 ? fg : { ...fg, confidence: 'low' as const, reasons: [...fg.reasons, ...dropped.map((d) => `not carried: ${d}`)] };
  // An exported variable the script computes at run time is missing from the daemon's environment
  // (etcd's ETCD_NAME="$(hostname)", seen by the differential harness): not "high".
  const unknownEnv = service.findings.filter((f) => f.code === 'sysv-unresolved-env');
  if (unknownEnv.length > 0 && checked.confidence === 'high') checked = { ...checked, confidence: 'medium', reasons: [...checked.reasons, ...unknownEnv.map((f) => f.message)] };
  // Limits: s6-softlimit sets soft limits only; systemd's LimitX=N (and sh's `ulimit -n N`) set the hard
  // limit as well, so the daemon could raise its soft limit further under s6 (dnsdist, pdns-recursor).
  const limits = Object.keys(service.run.limits?.value ?? {});
  if (limits.length > 0 && checked.confidence === 'high') checked = { ...checked, confidence: 'medium', reasons: [...checked.reasons, `limits (${limits.map((l) => `-${l}`).join(' ')}): s6-softlimit sets the soft limit only; the source set the hard limit too`] };
  // A unit that requires its socket unit gets its listening sockets from systemd (uuidd
  // --socket-activation): outside systemd it has none.
  const first = service.sources[0];
  const sockets = first?.format === 'systemd' ? ['Requires', 'BindsTo'].flatMap((k) => first.directives['Unit']?.[k]?.values ?? []).flatMap((v) => v.split(/\s+/)).filter((u) => u.endsWith('.socket')) : [];
  if (sockets.length > 0 && checked.confidence !== 'low' && !request.command) checked = { ...checked, confidence: 'low', reasons: [...checked.reasons, `${first!.file} requires ${sockets.join(', ')}: the daemon expects the listening sockets systemd passes it (socket activation), which a longrun does not get`] };
  // A unit's Group= without User=: systemd runs it as root with that group, the longrun as root (squid).
  const unitGroupOnly = service.sources[0]?.format === 'systemd' && service.run.group && !service.run.user && !request.user;
  if (unitGroupOnly && checked.confidence === 'high') checked = { ...checked, confidence: 'medium', reasons: [...checked.reasons, `Group=${service.run.group!.name} without User=: systemd runs it as root with that group; the longrun keeps root's group (give --user root:${service.run.group!.name}?)`] };
  return { ok: true, proposal: { service, current, fg: checked, plan: planned.plan, request } };
}

/** The workspace after accepting a proposal. */
export function accept(ws: Workspace, p: Proposal): Workspace {
  const name = p.service.name;
  const record: ServiceState = {
    stage: 'longrun',
    log: p.request.log,
    command: p.fg.argv,
    evidence: p.fg.evidence,
    confidence: p.fg.confidence,
    former: { type: p.current.type === 'longrun' ? 'longrun' : 'oneshot', dependencies: [...p.current.dependencies], files: p.current.files },
  };
  if (p.plan.user) record.user = p.plan.user;
  if (p.plan.logDir) record.logDir = p.plan.logDir;
  if (p.request.logUser) record.logUser = p.request.logUser;
  return {
    tree: applyPlan(ws.tree, name, p.plan),
    model: ws.model,
    state: { version: 1, services: { ...ws.state.services, [name]: record } },
  };
}

export function markSkipped(ws: Workspace, name: string): Workspace {
  return { ...ws, state: { version: 1, services: { ...ws.state.services, [name]: { stage: 'wrapper', skipped: true } } } };
}

export type UpgradeResult = { ok: true; ws: Workspace; proposal: Proposal } | { ok: false; code: string; reason: string; proposal?: Proposal };

/** Non-interactive upgrade: a low-confidence proposal is refused unless `yes`. */
export function upgrade(ws: Workspace, name: string, request: UpgradeRequest, yes: boolean): UpgradeResult {
  const r = propose(ws, name, request);
  if (!r.ok) return r;
  const p = r.proposal;
  if (p.fg.confidence === 'low' && !yes) {
    const why = [...p.fg.reasons, ...p.fg.conflicts].join('; ');
    return { ok: false, code: 'low-confidence', reason: `not sure how to run ${name} in the foreground (${why}); proposed ${JSON.stringify(p.fg.argv)}: check it and pass --yes, or give --command`, proposal: p };
  }
  return { ok: true, ws: accept(ws, p), proposal: p };
}

export type DowngradeResult = { ok: true; ws: Workspace; restored: S6Definition; reemitted: boolean } | { ok: false; code: string; reason: string };

/**
 * Back to what the first conversion made (the oneshot wrapper, or the unlogged longrun of a systemd unit).
 * The definition the upgrade replaced is restored byte for byte when state.json kept it; otherwise it is
 * re-emitted from model.json's wrapper by the emitter itself.
 */
export function downgrade(ws: Workspace, name: string): DowngradeResult {
  const record = ws.state.services[name];
  if (!record || record.stage !== 'longrun') return { ok: false, code: 'not-upgraded', reason: `${name} is not an upgraded longrun` };
  const names = record.log ? [`${name}-srv`, `${name}-log`] : [name];
  const srv = ws.tree.definitions.get(names[0]!);
  let restored: S6Definition;
  let reemitted = false;
  if (record.former) {
    restored = definition(name, record.former.type ?? 'oneshot');
    restored.dependencies = [...record.former.dependencies];
    restored.files = { ...record.former.files };
  } else {
    const service = findService(ws, name);
    const emitted = service?.wrapper ? emitTree([service], { facilityMembers: {} }).tree.definitions.get(name) : undefined;
    if (!emitted || (emitted.type === 'oneshot' && service?.wrapper?.kind === 'oneshot' && service.wrapper.up.length === 0)) {
      return { ok: false, code: 'no-wrapper', reason: `model.json has no first-conversion definition for ${name}` };
    }
    restored = emitted;
    // The emitter alone knows no other service: keep the edges the upgraded longrun had.
    restored.dependencies = [...(srv?.dependencies ?? [])];
    reemitted = true;
  }
  const defs = new Map(ws.tree.definitions);
  for (const n of names) defs.delete(n);
  defs.set(name, restored);
  const services = { ...ws.state.services };
  delete services[name];
  return {
    ok: true,
    ws: { tree: { definitions: new Map([...defs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) }, model: ws.model, state: { version: 1, services } },
    restored,
    reemitted,
  };
}
