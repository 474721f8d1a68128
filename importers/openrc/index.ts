/**
 * OpenRC importer: `openrc-run` scripts read statically (never sourced or run), with conf.d and rc.conf
 * applied in OpenRC's order, `depend()` as dependencies, /etc/runlevels as start bundles. The first
 * conversion wraps the script itself with `--nodeps` (openrc-run(8): OpenRC then does not chase
 * dependencies, s6-rc already ordered them).
 */
import { basename } from 'node:path';
import type { Finding, ImportInput, ImportResult, OpenrcEvidence, Origin, Service } from '../../src/model/service.js';
import { emptyHostFacts } from '../../src/model/service.js';
import { cmp, diag, sortDiagnostics, type Diagnostic } from '../../src/model/diagnostic.js';
import { OPENRC_BOOT_LEVELS, runlevelBundle } from '../../src/model/naming.js';
import { readSourceFile } from '../../src/util/source-file.js';
import { onSystem } from '../../src/util/host-path.js';
import { parseScript, type ParsedScript } from './shell-structure.js';
import { VarStore } from './expand.js';
import { evaluateFile, shellAssignments } from './variables.js';
import { filesSourcedBefore } from './conf-d.js';
import { readDepend } from './depend.js';
import { readRunlevels, levelsOf, OPENRC_STOP_LEVELS, type Runlevels } from './runlevels.js';
import { buildRunFacts } from './run-facts.js';
import { FUNCTION_FINDINGS, RUN_VARIABLES, variableFinding } from './findings-table.js';

/** Interpreters that make a file an OpenRC script (gendepends.sh accepts openrc-run and runscript). */
export function openrcShebang(firstLine: string): 'openrc-run' | 'runscript' | undefined {
  const m = /^#!\s*(\S+)/.exec(firstLine);
  if (!m) return undefined;
  const prog = m[1]!.slice(m[1]!.lastIndexOf('/') + 1);
  if (prog === 'openrc-run') return 'openrc-run';
  if (prog === 'runscript') return 'runscript';
  return undefined;
}

/** rc.conf settings kept in the evidence: the ones this importer reads for a service. */
function rcConfVarKept(name: string, svcVar: string): boolean {
  const verbs = 'need|use|want|after|before|provide|keyword|config';
  return new RegExp(`^(rc_(${svcVar}_)?(${verbs}|ulimit)|RC_(${svcVar}_)?(${verbs.toUpperCase()}))$`).test(name);
}

/** Names openrc-run sets itself before sourcing anything (openrc-run.sh, gendepends.sh). */
const BUILTIN_VARS = ['RC_SVCNAME', 'SVCNAME', 'RC_SERVICE'];

export function importOpenrc(input: ImportInput): ImportResult {
  const diagnostics: Diagnostic[] = [];
  const services: Service[] = [];
  let runlevels: Runlevels | undefined;
  const levels = (): Runlevels => (runlevels ??= readRunlevels(input.root));
  for (const file of input.files) {
    // A bug in reading one script must cost that script only, never the host's other services.
    try {
      const svc = importScript(file, input.root, levels, diagnostics);
      if (svc) services.push(svc);
    } catch (e) {
      diagnostics.push(diag('error', 'openrc-internal-error', file, undefined,
        `internal error while reading this script (please report it): ${e instanceof Error ? e.message : String(e)}`));
    }
  }
  const host = emptyHostFacts();
  if (input.files.length > 0) {
    const rl = levels();
    diagnostics.push(...rl.diagnostics);
    if (rl.dir) {
      const present = OPENRC_BOOT_LEVELS.filter((l) => rl.levels.has(l)).map(runlevelBundle);
      if (present.length > 0) host.defaultBundles = { bundles: present, origin: { file: rl.dir } };
      host.openrcRunlevels = Object.fromEntries([...rl.levels].sort(([a], [b]) => cmp(a, b)));
    }
  }
  services.sort((a, b) => cmp(a.name, b.name) || cmp(a.sources[0]!.file, b.sources[0]!.file));
  return { services, host, diagnostics: sortDiagnostics(diagnostics) };
}

function problemsToDiagnostics(parsed: ParsedScript, file: string, svc: string, out: Diagnostic[]): void {
  for (const p of parsed.problems) out.push(diag('error', p.code, file, p.line, p.message, svc));
}

function importScript(file: string, root: string, levels: () => Runlevels, diagnostics: Diagnostic[]): Service | undefined {
  const read = readSourceFile(file);
  if (!read.ok) {
    diagnostics.push(read.diagnostic);
    return undefined;
  }
  const name = basename(file);
  const firstLine = read.text.split('\n', 1)[0] ?? '';
  const kind = openrcShebang(firstLine);
  if (!kind) {
    diagnostics.push(diag('error', 'openrc-not-a-script', file, 1, `not an OpenRC script: first line is ${JSON.stringify(firstLine.slice(0, 80))}, expected #!/sbin/openrc-run`, name));
    return undefined;
  }
  const findings: Finding[] = [];
  if (kind === 'runscript') {
    diagnostics.push(diag('note', 'openrc-runscript', file, 1, 'runscript is the old name of openrc-run; read the same way', name));
  }
  const systemPath = onSystem(root, file);
  // RC_* are set by openrc-run; XDG_RUNTIME_DIR by a login session only (a script run by hand differs).
  const store = new VarStore((n) => /^RC_/.test(n) || n === 'XDG_RUNTIME_DIR');
  const builtinOrigin: Origin = { file };
  store.set('RC_SVCNAME', { value: name, origin: builtinOrigin });
  store.set('SVCNAME', { value: name, origin: builtinOrigin });
  store.set('RC_SERVICE', { value: systemPath, origin: builtinOrigin });

  const conditional = new Set<string>();
  const confFiles: { system: string; disk: string }[] = [];
  let confFile: string | undefined;
  const rcConfFiles = new Set<string>();
  for (const src of filesSourcedBefore(root, file, name)) {
    const r = readSourceFile(src.disk);
    if (!r.ok) {
      diagnostics.push({ ...r.diagnostic, service: name });
      continue;
    }
    const parsed = parseScript(r.text);
    problemsToDiagnostics(parsed, src.disk, name, diagnostics);
    const ev = evaluateFile(parsed, src.disk, store);
    findings.push(...ev.findings);
    for (const n of ev.conditional) conditional.add(n);
    if (src.kind === 'conf.d') {
      confFiles.push({ system: onSystem(root, src.disk), disk: src.disk });
      confFile = src.disk;
    } else rcConfFiles.add(src.disk);
  }

  const parsed = parseScript(read.text);
  problemsToDiagnostics(parsed, file, name, diagnostics);
  const ev = evaluateFile(parsed, file, store);
  findings.push(...ev.findings);
  for (const n of ev.conditional) conditional.add(n);
  for (const n of [...conditional].sort(cmp)) {
    const v = store.get(n);
    if (v) findings.push({ code: 'openrc-conditional-variable', message: `${n} is set under a run-time condition; its value is not known statically (the last value written is shown; the upgrade does not use it)`, origin: v.origin });
  }

  const dep = readDepend(parsed.commands, store, file, name);
  findings.push(...dep.findings);

  const functions = [...new Set(parsed.functions.filter((f) => f.parent === undefined && f.name !== 'depend').map((f) => f.name))].sort(cmp);
  for (const f of parsed.functions) {
    const known = FUNCTION_FINDINGS[f.name];
    if (known && f.parent === undefined) findings.push({ code: known.code, message: known.message, origin: { file, line: f.line } });
  }
  // A run variable assigned inside a function (e.g. start_pre sets command_args) changes at run time.
  for (const cmd of parsed.commands) {
    if (cmd.fn === undefined || cmd.fn === 'depend') continue;
    for (const a of shellAssignments(cmd).assignments) {
      if (RUN_VARIABLES.includes(a.name)) {
        findings.push({ code: 'openrc-runtime-variable', message: `${a.name} is assigned inside ${cmd.fn}(); the value when the daemon starts may differ from the one read here`, origin: { file, line: cmd.line } });
      }
    }
  }

  const facts = buildRunFacts(store, confFiles);
  findings.push(...facts.findings);
  const hasStart = functions.includes('start');
  if (!facts.run.daemon && !hasStart) {
    findings.push({ code: 'openrc-no-command', message: 'neither command= nor start(): OpenRC starts nothing but marks the service started', origin: { file } });
  }

  const svcVar = name.replace(/[^A-Za-z0-9_]/g, '_');
  const vars: OpenrcEvidence['vars'] = {};
  for (const [n, v] of [...store.vars].sort(([a], [b]) => cmp(a, b))) {
    if (BUILTIN_VARS.includes(n) && v.origin === builtinOrigin) continue;
    if (rcConfFiles.has(v.origin.file) && !rcConfVarKept(n, svcVar)) continue;
    vars[n] = v.unresolved ? { value: v.value, origin: v.origin, unresolved: true } : { value: v.value, origin: v.origin };
    const f = v.value === '' ? undefined : variableFinding(n, v.value);
    if (f) findings.push({ ...f, origin: v.origin });
  }

  const startIn: string[] = [];
  const listedIn = levelsOf(levels(), name);
  for (const level of listedIn) {
    if (OPENRC_STOP_LEVELS.has(level)) {
      findings.push({ code: 'openrc-stop-runlevel', message: `listed in runlevel ${level}, which OpenRC only enters to stop services; not a start bundle`, origin: { file: `${levels().dir}/${level}/${name}` } });
    } else startIn.push(runlevelBundle(level));
  }

  const evidence: OpenrcEvidence = { format: 'openrc', file, systemPath, vars, functions, keywords: dep.keywords };
  if (confFile) evidence.confFile = confFile;
  const service: Service = {
    name,
    format: 'openrc',
    provides: dep.provides,
    deps: dep.deps,
    startIn,
    wrapper: { kind: 'oneshot', up: [[systemPath, '--nodeps', 'start']], down: [[systemPath, '--nodeps', 'stop']] },
    run: facts.run,
    sources: [evidence],
    findings: sortFindings(findings),
    enabled: startIn.length > 0
      ? { value: true, why: `in runlevel${startIn.length > 1 ? 's' : ''} ${startIn.map((b) => b.slice('runlevel-'.length)).join(', ')} (/etc/runlevels)` }
      : { value: false, why: listedIn.length > 0 ? `only in ${listedIn.join(', ')}, which OpenRC enters to stop services` : 'in no runlevel: started only when another service needs it' },
  };
  const description = store.get('description');
  if (description?.value) service.description = description.value;
  return service;
}

function sortFindings(list: Finding[]): Finding[] {
  return [...list].sort((a, b) => cmp(a.origin.file, b.origin.file) || (a.origin.line ?? 0) - (b.origin.line ?? 0) || cmp(a.code, b.code) || cmp(a.message, b.message));
}
