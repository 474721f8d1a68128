#!/usr/bin/env node
// Upgrade report over the corpus: converts each package with the built CLI, tries to upgrade every
// service non-interactively (no --yes: low-confidence proposals count as refused), prints how many
// services each kind of evidence upgrades and why the others were refused, and checks that every
// upgraded tree passes `s6migrate check`. Exit 1 if a tree fails the check.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(new URL('..', import.meta.url).pathname);
const corpus = resolve(repo, process.env.S6M_CORPUS ?? '.cache/corpus');
const cli = join(repo, 'dist/s6migrate.cjs');
if (!existsSync(corpus)) {
  console.error(`upgrade-report: no corpus at ${corpus} (set S6M_CORPUS or run ../shared/corpus/fetch-corpus.sh)`);
  process.exit(2);
}
if (!existsSync(cli)) {
  console.error('upgrade-report: dist/s6migrate.cjs missing; run `npm run build` first');
  process.exit(2);
}

const run = (args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const json = (r) => {
  try {
    return JSON.parse(r.stdout);
  } catch {
    return undefined;
  }
};
const bump = (map, key, n = 1) => map.set(key, (map.get(key) ?? 0) + n);

const byEvidence = new Map();
const byConfidence = new Map();
const refused = new Map();
const perPackage = [];
// One row per service (package, name, upgraded, evidence, confidence or refusal code), for comparing runs.
const perService = [];
const checkFailures = [];
let total = 0;
const work = mkdtempSync(join(tmpdir(), 's6m-upgrade-report-'));
try {
  const packages = readdirSync(corpus).filter((p) => statSync(join(corpus, p)).isDirectory()).sort();
  for (const pkg of packages) {
    const out = join(work, pkg);
    run(['convert', '--root', join(corpus, pkg), '--out', out, '--force']);
    if (!existsSync(join(out, '.s6migrate', 'model.json'))) {
      perPackage.push([pkg, 'not converted']);
      continue;
    }
    const status = json(run(['status', '--in', out, '--json']));
    const names = (status?.rows ?? []).filter((r) => r.stage === 'wrapper').map((r) => r.name);
    if (names.length === 0) {
      perPackage.push([pkg, 'no oneshot services']);
      continue;
    }
    total += names.length;
    const res = json(run(['upgrade', ...names, '--in', out, '--json']));
    const results = res?.results ?? names.map((name) => ({ name, upgraded: false, code: 'cli-failed' }));
    let up = 0;
    for (const r of results) {
      perService.push({ pkg, name: r.name, upgraded: !!r.upgraded, evidence: r.evidence, confidence: r.confidence, code: r.code });
      if (r.upgraded) {
        up++;
        bump(byEvidence, r.evidence);
        bump(byConfidence, r.confidence);
      } else bump(refused, r.code ?? 'unknown');
    }
    perPackage.push([pkg, `${up}/${names.length} upgraded`]);
    if (up > 0) {
      const check = run(['check', out]);
      if (check.status !== 0) checkFailures.push([pkg, (check.stderr || check.stdout).trim().split('\n').slice(0, 5).join('\n    ')]);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const table = (title, map) => {
  console.log(title);
  for (const [k, v] of [...map.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) console.log(`  ${String(v).padStart(4)}  ${k}`);
};
if (process.env.S6M_REPORT_JSON) writeFileSync(process.env.S6M_REPORT_JSON, JSON.stringify(perService, null, 1) + '\n');
console.log(`Corpus: ${corpus}`);
for (const [pkg, what] of perPackage) console.log(`  ${pkg.padEnd(28)} ${what}`);
console.log('');
const upgraded = [...byEvidence.values()].reduce((a, b) => a + b, 0);
console.log(`${upgraded} of ${total} oneshot services upgraded without questions`);
table('Upgraded, by evidence:', byEvidence);
table('Upgraded, by confidence:', byConfidence);
table('Refused, by reason:', refused);
if (checkFailures.length > 0) {
  console.log(`\n${checkFailures.length} upgraded tree(s) FAIL check:`);
  for (const [pkg, why] of checkFailures) console.log(`  ${pkg}:\n    ${why}`);
  process.exit(1);
}
console.log('\nEvery upgraded tree passes check.');
