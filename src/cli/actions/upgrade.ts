import { quote as shellQuote } from 'shell-quote';
import { diag, type Diagnostic } from '../../model/diagnostic.js';
import { splitWords } from '../../upgrade/foreground.js';
import { upgrade, type UpgradeRequest } from '../../upgrade/upgrade.js';
import { loadWorkspace, saveWorkspace } from '../../upgrade/workspace.js';
import { EXIT_ATTENTION, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { hasErrors, printDiagnostics, printJson } from '../report.js';


export interface Opts {
  in: string;
  yes?: boolean;
  log: boolean;
  logDir?: string;
  logUser?: string;
  command?: string;
  user?: string;
  json?: boolean;
}

export async function runUpgrade(names: string[], opts: Opts): Promise<number> {
  let command: string[] | undefined;
  if (opts.command !== undefined) {
    if (names.length !== 1) {
      process.stderr.write('s6migrate upgrade: --command applies to one service at a time\n');
      return EXIT_USAGE;
    }
    const words = splitWords(opts.command);
    if (!words || words.length === 0) {
      process.stderr.write('s6migrate upgrade: --command must be a plain command line (words only: no operators, redirections or globs)\n');
      return EXIT_USAGE;
    }
    command = words;
  }
  if (opts.logDir !== undefined && !opts.logDir.startsWith('/')) {
    process.stderr.write('s6migrate upgrade: --log-dir must be an absolute path (s6-log needs one)\n');
    return EXIT_USAGE;
  }
  const loaded = loadWorkspace(opts.in);
  if (!loaded.ws) {
    printDiagnostics(loaded.diagnostics);
    return EXIT_USAGE;
  }
  let ws = loaded.ws;
  const diagnostics: Diagnostic[] = [];
  const results: { name: string; upgraded: boolean; command?: string[]; evidence?: string; confidence?: string; code?: string; reason?: string; carried?: string[]; notCarried?: string[] }[] = [];
  for (const name of [...new Set(names)]) {
    const request: UpgradeRequest = { log: opts.log, logDir: `${(opts.logDir ?? '/var/log/s6migrate').replace(/\/+$/, '')}/${name}` };
    if (command) request.command = command;
    if (opts.user) request.user = opts.user;
    if (opts.logUser) request.logUser = opts.logUser;
    const r = upgrade(ws, name, request, Boolean(opts.yes));
    const file = ws.model.services.find((s) => s.name === name)?.sources[0]?.file ?? opts.in;
    if (!r.ok) {
      diagnostics.push(diag(r.code === 'already-upgraded' ? 'note' : 'error', `upgrade-${r.code}`, file, undefined, `${name}: not upgraded: ${r.reason}`, name));
      results.push({ name, upgraded: false, code: r.code, reason: r.reason });
      continue;
    }
    ws = r.ws;
    const p = r.proposal;
    for (const c of p.plan.carried) diagnostics.push(diag('note', 'upgrade-carried', file, undefined, `${name}: carried over: ${c}`, name));
    for (const n of p.plan.notCarried) diagnostics.push(diag('note', 'upgrade-not-carried', file, undefined, `${name}: not carried over: ${n}`, name));
    for (const c of p.fg.conflicts) diagnostics.push(diag('warning', 'upgrade-conflict', file, undefined, `${name}: ${c}`, name));
    results.push({ name, upgraded: true, command: p.fg.argv, evidence: p.fg.evidence, confidence: p.fg.confidence, carried: p.plan.carried, notCarried: p.plan.notCarried });
  }
  if (results.some((r) => r.upgraded)) {
    const saved = saveWorkspace(opts.in, ws, loaded.stateFiles);
    if (!saved.ok) {
      printDiagnostics([...diagnostics, ...saved.diagnostics]);
      process.stderr.write('s6migrate upgrade: the upgraded tree fails validation; nothing was written\n');
      return EXIT_ATTENTION;
    }
  }
  if (opts.json) await printJson({ results, diagnostics });
  else {
    for (const r of results) {
      if (r.upgraded) process.stdout.write(`${r.name}: upgraded (${r.evidence}, ${r.confidence}): ${shellQuote(r.command!)}\n`);
    }
    printDiagnostics(diagnostics);
  }
  return results.every((r) => r.upgraded || r.code === 'already-upgraded') && !hasErrors(diagnostics) ? EXIT_OK : EXIT_ATTENTION;
}
