/**
 * `apply` and `rollback`: switch a live s6-rc system to another compiled database the FAQ's way
 * (reference §5.5): compile into a fresh directory beside the old ones, `s6-rc-update` to its real path,
 * and only then re-point `current` atomically. Old databases are pruned only after a clean switch.
 * Both return a report; the CLI prints it.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { quote as shellQuote } from 'shell-quote';
import { checkTree } from '../check/index.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { cmp } from '../model/diagnostic.js';
import { EXIT_ATTENTION, EXIT_OK, EXIT_TIMEOUT, EXIT_USAGE } from '../cli/exit-codes.js';
import { readUpState, stillDown, type UpState } from './bring-up.js';
import { conversionFile } from './conversion-file.js';
import * as store from './db-store.js';
import { diffTrees, fingerprintTree, hashTree, type SourceDiff, type TreePrint } from './diff.js';
import { compile, DEFAULT_TIMEOUT_SECONDS, explainUpdateExit, runLive, update, updateLive, type LiveRun, type ToolRun } from './switch.js';
import { describeS6rc, findTools, INSTALL_HINT, type S6rcTool, type S6rcVersion } from '../s6rc/tools.js';
import { isDirectory, pathExists } from '../util/fs-probe.js';

export interface SwitchOptions {
  compiledRoot: string;
  live: string;
  /** How many databases to keep (the newest ones); the live one and `current` are always kept. */
  keep: number;
  dryRun: boolean;
  /** Only used in the printed s6-rc-init command. */
  scandir?: string;
  /** PATH to find the s6-rc tools on (tests point it elsewhere). */
  pathEnv?: string;
  /** Limit on s6-rc-update and on bringing services up, in seconds (0: none). */
  timeoutSeconds?: number;
  /** Progress lines while waiting on s6-rc-update or s6-rc (the CLI prints them on stderr). */
  progress?: (line: string) => void;
  now?: Date;
}

export interface SwitchReport {
  exitCode: number;
  outcome: 'first-install' | 'switched' | 'switched-with-failures' | 'not-switched' | 'dry-run' | 'refused' | 'unchanged-current';
  /** The database switched to (or that would be), absolute. */
  database?: string;
  /** The database that was live (or `current`) before. */
  previous?: string;
  diff?: SourceDiff;
  /** Which real s6-rc ran (from the s6-rc-compile found). */
  s6rc?: S6rcVersion;
  conversion?: string;
  preview?: ToolRun;
  update?: LiveRun;
  /** Services brought up after the switch because they (or the bundle naming them) were up before. */
  broughtUp?: string[];
  bringUp?: LiveRun;
  pruned: string[];
  /** Commands for the user to run next (first install). */
  nextSteps: string[];
  diagnostics: Diagnostic[];
  /** Human-readable lines, in order. */
  messages: string[];
}

interface Ctx {
  root: string;
  live: string;
  opts: SwitchOptions;
  tools: Partial<Record<S6rcTool, string>>;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  report: SwitchReport;
}

function newReport(): SwitchReport {
  return { exitCode: EXIT_OK, outcome: 'refused', pruned: [], nextSteps: [], diagnostics: [], messages: [] };
}

function refuse(r: SwitchReport, message: string, code = EXIT_USAGE): SwitchReport {
  r.messages.push(`error: ${message}`);
  r.exitCode = code;
  r.outcome = 'refused';
  return r;
}

/** Checks shared by apply and rollback; returns the context or a refusal. */
function prepare(opts: SwitchOptions, report: SwitchReport, needed: readonly S6rcTool[]): Ctx | SwitchReport {
  if (!Number.isInteger(opts.keep) || opts.keep < 1) return refuse(report, `--keep must be a whole number of at least 1, not ${opts.keep}`);
  const seconds = opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 0) return refuse(report, `--timeout must be a whole number of seconds (0: no limit), not ${opts.timeoutSeconds}`);
  const lookup = findTools(opts.pathEnv ?? process.env.PATH);
  const { found, missing } = lookup;
  const lacking = needed.filter((t) => missing.includes(t));
  if (lacking.length > 0) {
    return refuse(report, `${lacking.join(', ')} not found on PATH; nothing was changed. To fix: ${INSTALL_HINT}`);
  }
  report.s6rc = lookup.version;
  report.messages.push(`using ${describeS6rc(lookup)}`);
  // s6-rc-init and s6-rc-update want absolute paths (reference §5.2, §5.4).
  const root = resolve(opts.compiledRoot);
  const live = resolve(opts.live);
  if (existsSync(root) && !statSync(root).isDirectory()) return refuse(report, `${root} is not a directory`);
  if (!store.currentIsReplaceable(root)) {
    return refuse(report, `${join(root, store.CURRENT_LINK)} exists and is not a symlink; move it away (it cannot be replaced atomically)`);
  }
  if (pathExists(live) && store.liveDatabase(live) === undefined) {
    return refuse(report, `${live} exists but ${live}/compiled does not lead to a database: not an s6-rc live directory`);
  }
  const pathEnv = opts.pathEnv ?? process.env.PATH;
  return { root, live, opts, tools: found, env: { ...process.env, ...(pathEnv === undefined ? {} : { PATH: pathEnv }) }, timeoutMs: seconds * 1000, report };
}

export async function apply(sourceDir: string, opts: SwitchOptions): Promise<SwitchReport> {
  const report = newReport();
  const src = resolve(sourceDir);
  if (!isDirectory(src)) return refuse(report, `${sourceDir}: not a directory`);
  const ctx = prepare(opts, report, ['s6-rc-compile', 's6-rc-update']);
  if (!('root' in ctx)) return ctx;
  const checked = checkTree(src);
  report.diagnostics = checked.diagnostics;
  if (!checked.ok) return refuse(report, `${src} is not a valid s6-rc source directory (see the diagnostics); nothing was changed`);

  const liveDb = pathExists(ctx.live) ? store.liveDatabase(ctx.live) : undefined;
  // Dry run: everything happens in a temporary directory outside COMPILED_ROOT.
  const work = opts.dryRun ? mkdtempSync(join(tmpdir(), 's6migrate-apply-')) : undefined;
  const rootExisted = existsSync(ctx.root);
  try {
    let dbParent: string;
    let stagingParent: string;
    if (work) {
      dbParent = work;
      stagingParent = work;
    } else {
      mkdirSync(join(ctx.root, store.SOURCES_DIR), { recursive: true });
      dbParent = realpathSync(ctx.root);
      stagingParent = mkdtempSync(join(ctx.root, store.SOURCES_DIR, '.staging-'));
    }
    try {
      // Compile from a private copy, so the saved sources are exactly what was compiled.
      const staged = join(stagingParent, 'tree');
      try {
        copySourceTree(src, staged);
      } catch (e) {
        return refuse(report, `cannot copy ${src}: ${e instanceof Error ? e.message : String(e)}; nothing was changed`);
      }
      const print = fingerprintTree(staged);
      const name = store.uniqueDbName(dbParent, opts.now ?? new Date(), hashTree(print));
      const dest = join(dbParent, name);
      const compiled = compile(ctx.tools['s6-rc-compile']!, dest, staged);
      if (compiled.code !== 0) {
        report.messages.push(compiled.output.trimEnd());
        return refuse(report, `s6-rc-compile failed (exit ${compiled.code}); nothing was changed`);
      }
      report.database = dest;
      report.messages.push(opts.dryRun ? `compiled ${src} into a temporary database (it would be ${join(ctx.root, name)})` : `compiled ${src} into ${dest}`);
      if (!work) renameSync(staged, join(ctx.root, store.SOURCES_DIR, name));

      if (liveDb === undefined) return firstInstall(ctx, name);
      return await switchTo(ctx, { dest, name, newPrint: print, liveDb, removeOnRefusal: !work });
    } finally {
      if (!work) rmSync(stagingParent, { recursive: true, force: true });
    }
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
    // A refused first apply leaves no empty COMPILED_ROOT behind.
    if (!work && !rootExisted && report.outcome === 'refused') removeEmptyDirs([join(ctx.root, store.SOURCES_DIR), ctx.root]);
  }
}

function removeEmptyDirs(dirs: readonly string[]): void {
  for (const d of dirs) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty (or gone): leave it and everything above it
    }
  }
}

export async function rollback(opts: SwitchOptions): Promise<SwitchReport> {
  const report = newReport();
  const ctx = prepare(opts, report, ['s6-rc-update']);
  if (!('root' in ctx)) return ctx;
  const liveDb = pathExists(ctx.live) ? store.liveDatabase(ctx.live) : undefined;
  const fromPath = liveDb ?? store.currentTarget(ctx.root);
  const from = store.ownDbName(ctx.root, fromPath);
  if (fromPath === undefined) return refuse(report, `no live state at ${ctx.live} and no ${join(ctx.root, store.CURRENT_LINK)}: nothing to roll back`);
  if (from === undefined) return refuse(report, `${fromPath} is not a database s6migrate manages under ${ctx.root}; cannot tell which one came before it`);
  const older = store.listDatabases(ctx.root).filter((n) => cmp(n, from) < 0);
  if (older.length === 0) return refuse(report, `no database older than ${from} under ${ctx.root}: nothing to roll back to`);
  const name = older[older.length - 1]!;
  const dest = join(realpathSync(ctx.root), name);
  report.database = dest;
  report.messages.push(`rolling back from ${from} to ${name}`);
  if (liveDb === undefined) return firstInstall(ctx, name);
  const srcCopy = join(ctx.root, store.SOURCES_DIR, name);
  const newPrint = existsSync(srcCopy) ? fingerprintTree(srcCopy) : undefined;
  return await switchTo(ctx, { dest, name, newPrint, liveDb, removeOnRefusal: false });
}

/** No live state: point `current` at the database and tell the user how to boot it; start nothing. */
function firstInstall(ctx: Ctx, name: string): SwitchReport {
  const r = ctx.report;
  const current = join(ctx.root, store.CURRENT_LINK);
  r.outcome = ctx.opts.dryRun ? 'dry-run' : 'first-install';
  if (ctx.opts.dryRun) r.messages.push(`would point ${current} at ${name}`);
  else {
    store.swapCurrent(ctx.root, name);
    r.messages.push(`${current} -> ${name}`);
    prune(ctx, new Set([name]));
  }
  r.messages.push(`no live state at ${ctx.live}: nothing was started`);
  // -c names `current`, the FAQ's boot setup (reference §5.5); apply always updates to real paths later.
  r.nextSteps.push(shellQuote(['s6-rc-init', '-c', current, '-l', ctx.live, ctx.opts.scandir ?? 'SCANDIR']));
  r.nextSteps.push(shellQuote(['s6-rc', '-l', ctx.live, '-u', 'change', 'default']));
  return r;
}

interface Target {
  dest: string;
  name: string;
  /** Fingerprint of the new database's sources, when known. */
  newPrint: TreePrint | undefined;
  liveDb: string;
  /** Delete the new database if s6-rc-update refuses before switching (apply made it just now). */
  removeOnRefusal: boolean;
}

async function switchTo(ctx: Ctx, t: Target): Promise<SwitchReport> {
  const r = ctx.report;
  r.previous = t.liveDb;
  const liveName = store.ownDbName(ctx.root, t.liveDb);
  const currentNow = store.currentTarget(ctx.root);
  if (currentNow !== undefined && currentNow !== t.liveDb) {
    r.messages.push(`warning: ${join(ctx.root, store.CURRENT_LINK)} names ${currentNow} but the live database is ${t.liveDb} (an earlier switch was interrupted?); the live one is what is replaced`);
  }
  const oldSrc = liveName ? join(ctx.root, store.SOURCES_DIR, liveName) : undefined;
  if (oldSrc && existsSync(oldSrc) && t.newPrint) {
    r.diff = diffTrees(fingerprintTree(oldSrc), t.newPrint);
    describeDiff(r);
  } else {
    r.messages.push(`warning: no saved source tree for ${liveName ? 'one of the two databases' : t.liveDb}: a longrun whose run script alone changed will not be restarted (restart it with s6-svc -r)`);
  }
  r.conversion = conversionFile(r.diff?.restart ?? []);
  const exes = { s6rc: ctx.tools['s6-rc'], s6rcDb: ctx.tools['s6-rc-db'], env: ctx.env };
  // What was up, read before the switch changes it: brought up again afterwards under the new names.
  const upBefore = exes.s6rc && exes.s6rcDb && !ctx.opts.dryRun ? readUpState({ ...exes, s6rc: exes.s6rc, s6rcDb: exes.s6rcDb }, ctx.live) : undefined;
  const convDir = r.conversion ? mkdtempSync(join(tmpdir(), 's6migrate-conv-')) : undefined;
  try {
    const convFile = convDir ? join(convDir, 'conversion') : undefined;
    if (convFile) writeFileSync(convFile, r.conversion);
    const args = { exe: ctx.tools['s6-rc-update']!, live: ctx.live, newDb: t.dest, convFile };
    r.preview = update({ ...args, dryRun: true });
    r.messages.push(`s6-rc-update -n says:\n${indent(r.preview.output)}`);
    if (r.preview.code !== 0) {
      if (t.removeOnRefusal && !ctx.opts.dryRun) store.removeDatabases(ctx.root, [t.name]);
      return refuse(r, `s6-rc-update -n failed (exit ${r.preview.code}: ${explainUpdateExit(r.preview.code)}); nothing was switched`);
    }
    if (ctx.opts.dryRun) {
      r.outcome = 'dry-run';
      r.messages.push('dry run: nothing was changed');
      return r;
    }
    r.update = await updateLive(args, { timeoutMs: ctx.timeoutMs, env: ctx.env, progress: waiting(ctx, 's6-rc-update (stopping, switching, starting)') });
    if (r.update.output) r.messages.push(`s6-rc-update:\n${indent(r.update.output)}`);
  } finally {
    if (convDir) rmSync(convDir, { recursive: true, force: true });
  }
  // LIVE/compiled is the truth about whether the switch happened, whatever the exit code says (also
  // after we killed s6-rc-update): `current` is made to agree with it before anything else.
  const liveNow = store.liveDatabase(ctx.live);
  const switched = liveNow === t.dest;
  const code = r.update.code;
  const timedOut = r.update.timedOut || code === 2 || code === 10;
  const limit = `${ctx.timeoutMs / 1000} s (--timeout)`;
  if (!switched) {
    // An unused database would only crowd the --keep window; apply made it, so it goes.
    if (t.removeOnRefusal) store.removeDatabases(ctx.root, [t.name]);
    r.outcome = 'not-switched';
    r.exitCode = timedOut ? EXIT_TIMEOUT : code === 9 || code === 10 ? EXIT_ATTENTION : EXIT_USAGE;
    const why = r.update.killed ? `s6-rc-update did not finish within ${limit} and was stopped` : `s6-rc-update exit ${code}: ${explainUpdateExit(code)}`;
    r.messages.push(`error: ${why}; ${store.CURRENT_LINK} still names the old database, as ${ctx.live}/compiled does`);
    if (liveNow === undefined) {
      r.messages.push(`error: ${ctx.live}/compiled no longer leads to a database; to reach a consistent state run: ${shellQuote([ctx.tools['s6-rc-update']!, '-l', ctx.live, t.liveDb])}`);
    } else if (code !== 3 && code !== 4 && code !== 5 && code !== 6) {
      r.messages.push(`some services may have been stopped: \`${shellQuote(['s6-rc', '-l', ctx.live, '-a', 'list'])}\` shows what is up`);
    }
    return r;
  }
  store.swapCurrent(ctx.root, t.name);
  r.messages.push(`${join(ctx.root, store.CURRENT_LINK)} -> ${t.name}`);
  if (code === 0 && upBefore) await bringUpAgain(ctx, upBefore);
  const upCode = r.bringUp?.code ?? 0;
  if (code !== 0 || upCode !== 0) {
    r.outcome = 'switched-with-failures';
    const upTimedOut = r.bringUp?.timedOut === true;
    r.exitCode = timedOut || upTimedOut ? EXIT_TIMEOUT : EXIT_ATTENTION;
    if (r.update.killed) r.messages.push(`warning: s6-rc-update did not finish within ${limit} and was stopped after the switch`);
    else if (code !== 0) r.messages.push(`warning: the database was switched anyway, but s6-rc-update exit ${code}: ${explainUpdateExit(code)}${timedOut ? ` (after ${limit})` : ''}`);
    if (upCode !== 0) r.messages.push(`warning: bringing services up again ${upTimedOut ? `did not finish within ${limit}` : `failed (s6-rc exit ${upCode})`}`);
    const down = upBefore ? stillDownNow(ctx, upBefore) : [];
    r.messages.push(`${store.CURRENT_LINK} and ${ctx.live}/compiled both name ${t.name}; nothing was pruned. See \`${shellQuote(['s6-rc', '-l', ctx.live, '-a', 'list'])}\`` +
      (down.length ? `; to start what is still down: ${shellQuote(['s6-rc', '-l', ctx.live, '-u', 'change', ...down])}` : ''));
    return r;
  }
  r.outcome = 'switched';
  prune(ctx, new Set([t.name]));
  return r;
}

function stillDownNow(ctx: Ctx, before: UpState): string[] {
  const s6rc = ctx.tools['s6-rc'];
  const s6rcDb = ctx.tools['s6-rc-db'];
  return s6rc && s6rcDb ? stillDown({ s6rc, s6rcDb, env: ctx.env }, ctx.live, before) : [];
}

/** After a clean switch: what was up before and is not up now (renamed, or a changed bundle) goes up. */
async function bringUpAgain(ctx: Ctx, before: UpState): Promise<void> {
  const r = ctx.report;
  const names = stillDownNow(ctx, before);
  if (names.length === 0) return;
  r.broughtUp = names;
  r.messages.push(`bringing up what was up before the switch: ${names.join(', ')}`);
  const argv = [ctx.tools['s6-rc']!, '-l', ctx.live, ...(ctx.timeoutMs ? ['-t', String(ctx.timeoutMs)] : []), '-u', 'change', ...names];
  r.bringUp = await runLive(argv, { timeoutMs: ctx.timeoutMs, env: ctx.env, progress: waiting(ctx, `s6-rc -u change ${names.join(' ')}`) });
  if (r.bringUp.output.trim()) r.messages.push(`s6-rc:\n${indent(r.bringUp.output)}`);
}

/** A progress reporter for a wait, every 5 s: what is awaited, for how long, and the limit. */
function waiting(ctx: Ctx, what: string): ((ms: number) => void) | undefined {
  const progress = ctx.opts.progress;
  if (!progress) return undefined;
  const limit = ctx.timeoutMs ? ` (limit ${ctx.timeoutMs / 1000} s, --timeout)` : '';
  return (ms) => progress(`still waiting for ${what}: ${Math.round(ms / 1000)} s${limit}`);
}

function describeDiff(r: SwitchReport): void {
  const d = r.diff!;
  const list = (xs: string[]): string => xs.join(', ');
  if (d.restart.length) r.messages.push(`restarting longruns whose files changed: ${list(d.restart)}`);
  if (d.added.length) r.messages.push(`new: ${list(d.added)}`);
  if (d.removed.length) r.messages.push(`removed (s6-rc-update stops them): ${list(d.removed)}`);
  if (d.typeChanged.length) r.messages.push(`type changed (s6-rc-update restarts them): ${list(d.typeChanged)}`);
  if (d.changedOneshots.length) {
    r.messages.push(`note: oneshots changed but are not re-run: ${list(d.changedOneshots)} (s6-rc -d change NAME; s6-rc -u change NAME to re-run)`);
  }
}

/** After a clean switch: delete all but the newest --keep databases, never the live one or `current`. */
function prune(ctx: Ctx, protect: Set<string>): void {
  for (const p of [store.liveDatabase(ctx.live), store.currentTarget(ctx.root)]) {
    const n = store.ownDbName(ctx.root, p);
    if (n) protect.add(n);
  }
  const doomed = store.planPrune(store.listDatabases(ctx.root), ctx.opts.keep, protect);
  store.removeDatabases(ctx.root, doomed);
  ctx.report.pruned = doomed;
  if (doomed.length) ctx.report.messages.push(`pruned old databases: ${doomed.join(', ')}`);
}

/**
 * Copies the definitions (top-level entries not starting with `.`, which s6-rc-compile ignores; reference
 * §1.1), following symlinks at the top level as s6-rc-compile does; the source is only read.
 */
function copySourceTree(src: string, dest: string): void {
  cpSync(src, dest, {
    recursive: true,
    dereference: true,
    filter: (from) => from === src || !(from.slice(src.length + 1).split('/')[0] ?? '').startsWith('.'),
  });
}

function indent(text: string): string {
  const t = text.trimEnd();
  return t === '' ? '  (no output)' : t.split('\n').map((l) => `  ${l}`).join('\n');
}
