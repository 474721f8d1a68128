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
}

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

export function describeProposal(r: ProposalResult, name: string): string {
  const out: string[] = [`== ${name}`];
  if (!r.ok) {
    out.push(r.fg ? `No foreground command found: ${r.reason}` : `Cannot upgrade as proposed: ${r.reason}`);
    return out.join('\n') + '\n';
  }
  const p = r.proposal;
  out.push(`Command:    ${shellQuote(p.fg.argv)}`);
  out.push(`Evidence:   ${p.fg.evidence} (confidence ${p.fg.confidence})${p.fg.origin ? ` from ${p.fg.origin.file}${p.fg.origin.line ? ':' + p.fg.origin.line : ''}` : ''}`);
  out.push(`Run as:     ${p.plan.user ?? 'root'}`);
  out.push(`Log:        ${p.plan.logDir ?? 'none (no log pipeline)'}`);
  for (const reason of p.fg.reasons) out.push(`  because ${reason}`);
  for (const c of p.fg.conflicts) out.push(`  conflict: ${c}`);
  for (const c of p.plan.carried) out.push(`  carried over: ${c}`);
  for (const n of p.plan.notCarried) out.push(`  not carried over: ${n}`);
  if (p.current.type === 'longrun') out.push('  (first converted as a longrun without a log; it becomes a logged pipeline with the same run facts)');
  out.push('', unifiedDiff([p.current], p.plan.definitions).trimEnd());
  return out.join('\n') + '\n';
}

export async function runWizard(start: Workspace, io: WizardIO, save: Saver, opts: WizardOptions): Promise<{ ws: Workspace; summary: WizardSummary }> {
  let ws = start;
  const summary: WizardSummary = { accepted: [], skipped: [], quit: false, failed: [] };
  const pending = pendingServices(ws).filter((n) => opts.all || !ws.state.services[n]?.skipped);
  const order = wizardOrder(ws, pending, opts);
  io.print(`${order.length} service(s) to upgrade.\n`);
  for (const name of order) {
    const request = baseRequest(name, opts);
    for (;;) {
      const r = propose(ws, name, request);
      io.print(describeProposal(r, name));
      const choices: Choice[] = r.ok ? [{ name: 'Accept', value: 'accept' }] : [];
      choices.push(
        { name: 'Edit the command', value: 'command' },
        { name: 'Edit the user', value: 'user' },
        { name: 'Edit the log directory', value: 'logdir' },
        { name: 'Skip this service', value: 'skip' },
        { name: 'Quit (progress is saved)', value: 'quit' },
      );
      const answer = await io.select(`Upgrade ${name}?`, choices);
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
