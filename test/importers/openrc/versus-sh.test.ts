/**
 * The static reader against the real shell. Each case is a conf.d and a script written here (only
 * assignments, nothing that acts), sourced by dash in OpenRC's order with a clean environment; the
 * values and the daemon argv dash computes must be the ones the importer reads.
 */
import { missing } from '../../support/stacks.js';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { importOpenrc } from '../../../importers/openrc/index.js';
import type { OpenrcEvidence } from '../../../src/model/service.js';
import { lex } from '../../../importers/openrc/shell-lexer.js';

const DASH = '/usr/bin/dash';
const work = mkdtempSync(join(tmpdir(), 's6m-openrc-sh-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;

interface Case {
  confd: string;
  script: string;
  check: string[];
}

/** Values of `check` and the start-stop-daemon argv, as dash computes them. */
function viaDash(c: Case, name: string): { values: Record<string, string | null>; argv: string[] } | undefined {
  const dir = join(work, `sh${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'confd'), c.confd);
  writeFileSync(join(dir, 'script'), c.script);
  const report = c.check.map((v) => `if [ -n "\${${v}+set}" ]; then printf '%s\\0' "$${v}"; else printf '<unset>\\0'; fi`).join('\n');
  const prog = [
    'set -f',
    `RC_SVCNAME=${name}; SVCNAME=${name}`,
    '. ./confd',
    '. ./script',
    report,
    // start-stop-daemon.sh: eval ... --exec $command ... -- $command_args $command_args_background
    'eval "set -- $command $command_args $command_args_background"',
    'printf "%s\\0" "$@"',
  ].join('\n');
  const r = spawnSync(DASH, ['-c', prog], { cwd: dir, env: {}, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) return undefined;
  const out = r.stdout.split('\0');
  out.pop();
  const values: Record<string, string | null> = {};
  c.check.forEach((v, k) => { values[v] = out[k] === '<unset>' ? null : out[k]!; });
  return { values, argv: out.slice(c.check.length) };
}

function viaImporter(c: Case, name: string): { values: Record<string, string | null>; argv: string[]; problems: number; unresolved: boolean } {
  const root = join(work, `root${n++}`);
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  mkdirSync(join(root, 'etc/conf.d'), { recursive: true });
  writeFileSync(join(root, 'etc/init.d', name), '#!/sbin/openrc-run\n' + c.script);
  writeFileSync(join(root, 'etc/conf.d', name), c.confd);
  const r = importOpenrc({ root, files: [join(root, 'etc/init.d', name)] });
  const s = r.services[0]!;
  const ev = s.sources[0] as OpenrcEvidence;
  const values: Record<string, string | null> = {};
  for (const v of c.check) values[v] = ev.vars[v]?.value ?? null;
  const unresolved = s.findings.some((f) => f.code === 'openrc-unresolved-word');
  return { values, argv: s.run.daemon?.argv ?? [], problems: r.diagnostics.length, unresolved };
}

const CASES: [string, Case][] = [
  ['conf.d precedence forms', {
    confd: 'a=confd\nb=confd\nc=confd\nd=\ne=\n',
    script: 'a=script\nb=${b:-script}\n: ${c:=script}\nd=${d:-script}\ne=${e-script}\nf=${f:=script}\ncommand=/bin/x\ncommand_args="$a $b $c"\n',
    check: ['a', 'b', 'c', 'd', 'e', 'f'],
  }],
  ['quoting in values and eval of command_args', {
    confd: 'OPTS="--name \'two words\' -v"\n',
    script: 'command=/usr/bin/x\ncommand_args="-c \\"/etc/x y.conf\\" ${OPTS} \'$HOME\'"\n',
    check: ['OPTS', 'command_args'],
  }],
  ['RC_SVCNAME pattern removal', {
    confd: '',
    script: 'port="${RC_SVCNAME#*.}"\nbase=${SVCNAME%%.*}\nlong=${RC_SVCNAME##*t}\nshort=${RC_SVCNAME%t*}\nlen=${#RC_SVCNAME}\ncommand=/sbin/getty\ncommand_args="$port 9600"\n',
    check: ['port', 'base', 'long', 'short', 'len'],
  }],
  ['alternatives, nested defaults, unset', {
    confd: 'x=1\nunset y\n',
    script: 'p=${x:+"on $x"}\nq=${y:-${x:-none}}\nr=${zz}\ncommand=/bin/x\ncommand_args_background="--pid /run/x.pid ${r}"\n',
    check: ['p', 'q', 'r', 'y'],
  }],
];

const noDash = missing(`${DASH} (Debian's /bin/sh)`, existsSync(DASH));

describe.skipIf(noDash !== '')(`static reading agrees with dash${noDash}`, () => {
  it.each(CASES)('%s', (_label, c) => {
    const name = 'tty.ttyS0';
    const sh = viaDash(c, name);
    expect(sh).toBeDefined();
    const me = viaImporter(c, name);
    expect(me.problems).toBe(0);
    expect(me.values).toEqual(sh!.values);
    expect(me.argv).toEqual(sh!.argv);
  });

  it('command_args words: property test against dash', () => {
    // Words built from quotes, blanks, escapes and variable references; dash and the importer must agree.
    const piece = fc.constantFrom('a', 'b c', ' ', '  ', "'q r'", '"d e"', '\\ ', '$V', '${V}', '"$V"', '${W:-w x}', '"${W:-w x}"', '-o', '=', '\\"', "'\"'",
      '\\$V', '"\\$V"', '${V#v1}', '"${V%v2}"', '"a"\'b\'', '$', '\\\\', '${W-}', '""', "''", '${V:+"+ +"}', '\t');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }), (pieces) => {
        const args = pieces.join('');
        // Single-quote the value in the script so the assignment itself keeps it byte for byte.
        const c: Case = { confd: 'V="v1 v2"\n', script: `command=/bin/x\ncommand_args='${args.replace(/'/g, `'\\''`)}'\n`, check: ['command_args'] };
        if (lex(args).problems.length > 0) return;
        const sh = viaDash(c, 'svc');
        if (!sh) return;
        const me = viaImporter(c, 'svc');
        // `$$` and friends: only the running shell knows them; the importer says so instead of guessing.
        if (me.unresolved) return;
        expect(me.values).toEqual(sh.values);
        expect(me.argv).toEqual(sh.argv);
      }),
      { numRuns: 300, seed: 20240501 },
    );
  });
});
