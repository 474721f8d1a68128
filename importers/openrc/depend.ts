/**
 * `depend()` read statically. gendepends.sh defines `need`, `use`, `want`, `after`, `before`,
 * `provide`, `keyword` and `config` as functions that print their arguments, sources conf.d, rc.conf and
 * the script, then calls `_depend`: the script's `depend()` followed by the user's `rc_need`-style
 * variables (rc-functions.sh). Each call may repeat; its words are expanded as the shell would.
 */
import type { DepKind, DepRef, Finding, Origin } from '../../src/model/service.js';
import { EVERY_SERVICE, facilityFromOpenrc } from '../../src/model/facilities.js';
import { plainWord, lex } from './shell-lexer.js';
import type { SimpleCommand } from './shell-structure.js';
import { expandFields, type VarStore } from './expand.js';

/** Dependency words and what they mean in the model (openrc-run(8), "DEPENDENCIES"). */
const DEP_WORDS: Record<string, DepKind> = {
  // "need": hard dependency, the service is started first and a failure stops this one.
  need: 'requires',
  // "use": started first if it is in the same runlevel; never fails this one.
  use: 'wants',
  // "want": started first if it exists at all (OpenRC 0.25+), never fails this one.
  want: 'wants',
  // "after"/"before": ordering only.
  after: 'after',
  before: 'before',
};

/** Container keywords `-containers` stands for on Linux (rc-functions.sh `_get_containers`). */
const LINUX_CONTAINER_KEYWORDS = ['-docker', '-lxc', '-openvz', '-rkt', '-systemd-nspawn', '-uml', '-vserver'];

/** Keywords that change when OpenRC stops the service, which s6-rc cannot express (openrc-run(8)). */
const STOP_KEYWORDS: Record<string, string> = {
  '-stop': 'keyword -stop: OpenRC never stops this service when changing runlevels; s6-rc stops it when its bundle goes down',
  '-shutdown': 'keyword -shutdown: OpenRC leaves this service running at shutdown; s6-rc stops it with everything else',
};

export interface DependResult {
  deps: DepRef[];
  provides: string[];
  keywords: string[];
  findings: Finding[];
}

/** Reads every dependency call in `depend()` and the `rc_<type>` variables. */
export function readDepend(commands: SimpleCommand[], store: VarStore, file: string, svcName: string): DependResult {
  const out: DependResult = { deps: [], provides: [], keywords: [], findings: [] };
  const unresolved: { origin: Origin; text: string }[] = [];
  for (const cmd of commands) {
    if (cmd.fn !== 'depend') continue;
    const verb = cmd.words[0] ? plainWord(cmd.words[0]) : undefined;
    if (verb === undefined || !isDepVerb(verb)) continue;
    const origin: Origin = { file, line: cmd.line };
    const words: string[] = [];
    for (const w of cmd.words.slice(1)) {
      const e = expandFields(w, store, origin);
      if (e.unresolved.length > 0) unresolved.push({ origin, text: w.raw });
      words.push(...e.fields);
    }
    if (cmd.conditional) {
      out.findings.push({ code: 'openrc-conditional-depend', message: `\`${verb} ${words.join(' ')}\` in depend() runs only under a condition; it is taken as always true`, origin });
    }
    apply(verb, words, origin, out);
  }
  // User additions (rc-functions.sh `_depend`): rc_NAME_need, rc_need, RC_NAME_NEED, RC_NEED, first set wins.
  const svcVar = svcName.replace(/[^A-Za-z0-9_]/g, '_');
  for (const verb of ['config', 'need', 'use', 'want', 'after', 'before', 'provide', 'keyword']) {
    const up = verb.toUpperCase();
    const names = [`rc_${svcVar}_${verb}`, `rc_${verb}`, `RC_${svcVar}_${up}`, `RC_${up}`];
    const found = names.map((n) => ({ n, v: store.get(n) })).find((x) => x.v && x.v.value !== '');
    if (!found) continue;
    const origin = found.v!.origin;
    const words: string[] = [];
    for (const t of lex(found.v!.value).tokens) {
      if (t.type === 'word') words.push(...expandFields(t.word, store, origin).fields);
    }
    out.findings.push({ code: 'openrc-user-depend', message: `${found.n}="${found.v!.value}" adds \`${verb}\` dependencies`, origin });
    apply(verb, words, origin, out);
  }
  for (const u of unresolved) {
    out.findings.push({ code: 'openrc-unresolved-depend', message: `dependency word ${u.text} could not be resolved statically; kept as written`, origin: u.origin });
  }
  out.provides = [...new Set(out.provides)];
  out.keywords = [...new Set(out.keywords)];
  return out;
}

function isDepVerb(v: string): boolean {
  return v in DEP_WORDS || v === 'provide' || v === 'keyword' || v === 'config';
}

function apply(verb: string, words: string[], origin: Origin, out: DependResult): void {
  const kind = DEP_WORDS[verb];
  if (kind) {
    for (const w of words) {
      if (w === '*' && (verb === 'after' || verb === 'before')) {
        // `after *` / `before *`: order against every other service, expanded by the passes (wildcard-order.ts).
        out.deps.push({ kind: verb, target: EVERY_SERVICE, facility: false, origin });
        continue;
      }
      if (w === '*') {
        // `need *`, `use *`, `want *`: OpenRC itself only gives `*` a meaning for ordering.
        out.findings.push({ code: 'openrc-wildcard-order', message: `\`${verb} *\` has no meaning outside after/before; not converted`, origin });
        continue;
      }
      const f = facilityFromOpenrc(w);
      const ref: DepRef = f ? { kind, target: f.name, facility: true, origin } : { kind, target: w, facility: false, origin };
      // `use` orders against a service only when it is in the runlevel anyway; `want` pulls it in.
      if (verb === 'use') ref.ifStarted = true;
      out.deps.push(ref);
    }
    return;
  }
  if (verb === 'provide') {
    for (const w of words) {
      if (w.startsWith('!')) {
        out.findings.push({ code: 'openrc-provide-removed', message: `provide ${w}: removing a provided name is not supported; ignored`, origin });
      } else out.provides.push(w);
    }
    return;
  }
  if (verb === 'keyword') {
    for (const w of words) {
      const expanded = w === '-containers' ? LINUX_CONTAINER_KEYWORDS : [w];
      for (const k of expanded) {
        out.keywords.push(k);
        const msg = STOP_KEYWORDS[k];
        if (msg) out.findings.push({ code: 'openrc-keyword-stop', message: msg, origin });
      }
    }
    return;
  }
  if (verb === 'config') {
    out.findings.push({ code: 'openrc-depend-config', message: `config ${words.join(' ')}: OpenRC recomputes dependencies when these files change; s6-rc needs a new conversion instead`, origin });
  }
}

/** Words of `depend()` that name the verbs (exported for tests and reports). */
export const DEPEND_VERBS = Object.freeze([...Object.keys(DEP_WORDS), 'provide', 'keyword', 'config']);
