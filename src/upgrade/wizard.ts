/**
 * The interactive upgrade: walks the services still as the first conversion made them (oneshot wrappers and
 * unlogged systemd longruns), most confident first,
 * shows the evidence, the proposed files and a diff, and lets the user accept, edit the command, user or
 * log directory, skip or quit. Every answer is saved at once (through the validator), so quitting at any
 * point and starting again resumes where it stopped. The prompts sit behind `WizardIO` so tests can drive
 * the real prompt library with scripted keys.
 */
import { quote as shellQuote } from 'shell-quote';
import type { Diagnostic } from '../model/diagnostic.js';
import { splitWords } from './foreground.js';
import { unifiedDiff } from './diff.js';
import { differences } from './differences.js';
import { accept, markSkipped, pendingServices, propose, type Proposal, type ProposalResult, type UpgradeRequest, type Workspace } from './upgrade.js';
import { DEFAULT_LOG_ROOT } from './longrun.js';

export interface Choice {
  name: string;
  value: string;
}

export interface WizardIO {
  select(message: string, choices: Choice[]): Promise<string>;
  input(message: string, defaultValue: string): Promise<string>;
  print(text: string): void;
  /** The terminal's size, when known: a proposal is cut to fit above the prompt. */
  rows?: number;
  columns?: number;
}

/** Rows the select prompt takes beyond its choices: the question, a blank row and the key help line. */
const PROMPT_EXTRA_ROWS = 3;

export type Saver = (ws: Workspace) => { ok: boolean; diagnostics: Diagnostic[] };

export interface WizardOptions {
  /** Defaults for every service (from the command line). */
  log: boolean;
  logRoot?: string;
  logUser?: string;
  /** Offer services skipped in an earlier run too. */
  all?: boolean;
}

export interface WizardSummary {
  accepted: string[];
  skipped: string[];
  quit: boolean;
  failed: string[];
}

const RANK = { high: 0, medium: 1, low: 2 } as const;

/** Order: proposals by confidence (high first), then refusals; by name within each group. */
export function wizardOrder(ws: Workspace, names: string[], opts: WizardOptions): string[] {
  const rank = (n: string): number => {
    const r = propose(ws, n, baseRequest(n, opts));
    return r.ok ? RANK[r.proposal.fg.confidence] : 3;
  };
  return names.map((n) => [n, rank(n)] as const).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([n]) => n);
}

function baseRequest(name: string, opts: WizardOptions): UpgradeRequest {
  const r: UpgradeRequest = { log: opts.log };
  if (opts.logRoot) r.logDir = `${opts.logRoot}/${name}`;
  if (opts.logUser) r.logUser = opts.logUser;
  return r;
}

/** The lines that decide an answer: what runs, why, as whom, where it logs. Always shown first. */
function headline(r: ProposalResult, name: string): string[] {
  const out: string[] = [`== ${name}`];
  if (!r.ok) {
    out.push(r.fg ? `No foreground command found: ${r.reason}` : `Cannot upgrade as proposed: ${r.reason}`);
    return out;
  }
  const p = r.proposal;
  out.push(`Command:    ${shellQuote(p.fg.argv)}`);
  out.push(`Evidence:   ${p.fg.evidence} (confidence ${p.fg.confidence})${p.fg.origin ? ` from ${p.fg.origin.file}${p.fg.origin.line ? ':' + p.fg.origin.line : ''}` : ''}`);
  out.push(`Run as:     ${p.plan.user ?? 'root'}`);
  out.push(`Log:        ${p.plan.logDir ?? 'none (no log pipeline)'}`);
  return out;
}

export function describeProposal(r: ProposalResult, name: string): string {
  return [...headline(r, name), ...details(r)].join('\n') + '\n';
}

/**
 * Everything after the headline: the reasons, what will differ from the run the host's init system gave
 * the daemon (issue 12: the user judges the run, not only the files), and the diff of the files.
 */
function details(r: ProposalResult): string[] {
  if (!r.ok) return [];
  const p = r.proposal;
  const out: string[] = [];
  for (const reason of p.fg.reasons) out.push(`  because ${reason}`);
  for (const c of p.fg.conflicts) out.push(`  conflict: ${c}`);
  const diffs = differences(p);
  if (diffs.length > 0) out.push('Differs from the original run:', ...diffs.map((d) => `  - ${d.kind}: ${d.text}`));
  if (p.current.type === 'longrun') out.push('  (first converted as a longrun without a log; it becomes a logged pipeline with the same run facts)');
  out.push('', ...unifiedDiff([p.current], p.plan.definitions).trimEnd().split('\n'));
  return out;
}

/** Terminal rows a line takes when wrapped at `columns`. */
function rowsOf(line: string, columns: number): number {
  return Math.max(1, Math.ceil([...line].length / columns));
}

/**
 * The proposal cut to `rows` terminal rows, headline first, so that on a small terminal (80x24) the
 * command, evidence, account and log stay on screen above the prompt instead of scrolling away behind
 * the diff. `cut` says whether anything was left out (the wizard then offers to show everything).
 */
export function fitProposal(r: ProposalResult, name: string, rows: number, columns: number): { text: string; cut: boolean } {
  const head = headline(r, name);
  const rest = details(r);
  let used = head.reduce((n, l) => n + rowsOf(l, columns), 0);
  const kept: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const need = rowsOf(rest[i]!, columns);
    // Keep one row for the note that says what was left out, unless this is the last line.
    if (used + need + (i < rest.length - 1 ? 1 : 0) > rows) {
      const left = rest.length - i;
      return { text: [...head, ...kept, `… ${left} more line(s) of reasons and diff: choose "Show the whole proposal"`].join('\n') + '\n', cut: true };
    }
    kept.push(rest[i]!);
    used += need;
  }
  return { text: [...head, ...kept].join('\n') + '\n', cut: false };
}

export async function runWizard(start: Workspace, io: WizardIO, save: Saver, opts: WizardOptions): Promise<{ ws: Workspace; summary: WizardSummary }> {
  let ws = start;
  const summary: WizardSummary = { accepted: [], skipped: [], quit: false, failed: [] };
  const pending = pendingServices(ws).filter((n) => opts.all || !ws.state.services[n]?.skipped);
  const order = wizardOrder(ws, pending, opts);
  // Refusals are offered too (a command can be typed for them), but are not counted as upgrades.
  const refused = order.filter((n) => !propose(ws, n, baseRequest(n, opts)).ok).length;
  io.print(`${order.length - refused} service(s) to upgrade${refused ? `; ${refused} more it cannot upgrade as they are (shown last: give a command, or skip)` : ''}.\n`);
  for (const name of order) {
    const request = baseRequest(name, opts);
    let whole = false;
    for (;;) {
      const r = propose(ws, name, request);
      const choices: Choice[] = r.ok ? [{ name: 'Accept', value: 'accept' }] : [];
      choices.push(
        { name: 'Edit the command', value: 'command' },
        { name: 'Edit the user', value: 'user' },
        { name: 'Edit the log directory', value: 'logdir' },
        { name: 'Skip this service', value: 'skip' },
        { name: 'Quit (progress is saved)', value: 'quit' },
      );
      if (whole || !io.rows) {
        io.print(describeProposal(r, name));
        // After the whole text, the headline again, where the prompt is.
        if (whole && io.rows) io.print(`${headline(r, name).join('\n')}\n`);
        whole = false;
      } else {
        const fit = fitProposal(r, name, io.rows - (choices.length + 1) - PROMPT_EXTRA_ROWS, io.columns ?? 80);
        if (fit.cut) choices.splice(choices.length - 1, 0, { name: 'Show the whole proposal (reasons and diff)', value: 'more' });
        io.print(fit.text);
      }
      const answer = await io.select(`Upgrade ${name}?`, choices);
      if (answer === 'more') {
        whole = true;
        continue;
      }
      if (answer === 'quit') {
        summary.quit = true;
        return { ws, summary };
      }
      if (answer === 'skip') {
        const next = markSkipped(ws, name);
        if (commit(next, io, save)) ws = next;
        summary.skipped.push(name);
        break;
      }
      if (answer === 'accept' && r.ok) {
        const next = accept(ws, r.proposal as Proposal);
        if (commit(next, io, save)) {
          ws = next;
          summary.accepted.push(name);
        } else {
          summary.failed.push(name);
        }
        break;
      }
      if (answer === 'command') {
        const current = r.ok ? shellQuote(r.proposal.fg.argv) : shellQuote(request.command ?? []);
        const text = await io.input(`Foreground command for ${name} (shell words):`, current);
        const words = splitWords(text);
        if (words === null || words.length === 0) io.print('Not a plain command line (no operators or globs); unchanged.\n');
        else request.command = words;
      } else if (answer === 'user') {
        const current = r.ok ? (r.proposal.plan.user ?? '') : (request.user ?? '');
        const text = (await io.input(`Run ${name} as user (user or user:group; empty = as the source says):`, current)).trim();
        if (text === '') delete request.user;
        else request.user = text;
      } else if (answer === 'logdir') {
        const current = request.log ? (request.logDir ?? `${opts.logRoot ?? DEFAULT_LOG_ROOT}/${name}`) : '';
        const text = (await io.input(`Log directory for ${name} (absolute path; empty = no log pipeline):`, current)).trim();
        if (text === '') request.log = false;
        else {
          request.log = true;
          request.logDir = text;
        }
      }
    }
  }
  return { ws, summary };
}

function commit(ws: Workspace, io: WizardIO, save: Saver): boolean {
  const r = save(ws);
  if (!r.ok) {
    io.print('Not saved: the tree would fail validation:\n' + r.diagnostics.map((d) => `  ${d.file}: ${d.message} [${d.code}]`).join('\n') + '\n');
  }
  return r.ok;
}
