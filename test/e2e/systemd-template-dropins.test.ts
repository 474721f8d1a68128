/**
 * Templates, specifiers and drop-ins, end to end through convert: what the written `up`/`run` files say.
 * - `foo@.service` (fixture `e2e/template/`) with instances named only by `multi-user.target.wants/`
 *   links: one oneshot per instance, specifiers expanded per instance, all in the `multi-user` bundle;
 *   the template itself is not a service.
 * - `x.service` (fixture `e2e/dropins/`): drop-ins from /etc, /run and /lib applied in lexical order of
 *   file name, a same-named drop-in in /etc shadowing the one in /run; `y.service` in /etc replacing the
 *   one in /lib while /lib's drop-in still applies.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValid } from '../support/valid-tree.js';
import { STACKS_TITLE } from '../support/stacks.js';
import { convertHost, type ConvertResult } from '../../src/pipeline.js';

const FIXTURES = join(__dirname, '../fixtures/e2e');
const read = (p: string): string | undefined => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);

const work = mkdtempSync(join(tmpdir(), 's6m-e2e-template-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('template instances from .wants/ links', () => {
  const root = join(work, 'template-root');
  const out = join(work, 'template-out');
  let converted: ConvertResult;

  beforeAll(() => {
    cpSync(join(FIXTURES, 'template'), root, { recursive: true });
    // Links made here, as `systemctl enable foo@a.service` would; only their names matter to systemd.
    const wants = join(root, 'etc/systemd/system/multi-user.target.wants');
    mkdirSync(wants, { recursive: true });
    for (const instance of ['a', 'b', 'web\\x2d1']) symlinkSync('/lib/systemd/system/foo@.service', join(wants, `foo@${instance}.service`));
    converted = convertHost({ paths: [], root, out, force: false });
  });

  it('writes one oneshot per instance and none for the template', () => {
    expect(converted.write.ok, JSON.stringify(converted.diagnostics, null, 1)).toBe(true);
    const services = readdirSync(out).filter((n) => read(join(out, n, 'type')) === 'oneshot\n').sort();
    expect(services).toEqual(['foo@a', 'foo@b', 'foo@web\\x2d1']);
    expect(existsSync(join(out, 'foo@'))).toBe(false);
  });

  it('expands %i %I %n %N %p %t %h %% per instance', () => {
    // execline's double quotes take backslash as an escape: a `\` in a word is written `\\`.
    const q = (w: string) => w.replaceAll('\\', '\\\\');
    const up = (raw: string, I: string, i = q(raw)) =>
      `"/usr/local/bin/foo-run" "--instance=${i}" "--unescaped" "${I}" "--unit" "foo@${i}.service" "--name" "foo@${i}" ` +
      `"--prefix" "foo" "--runtime" "/run/foo-${i}" "--home" "/root" "--percent" "100%"\n`;
    expect(read(join(out, 'foo@a/up'))).toBe(up('a', 'a'));
    expect(read(join(out, 'foo@b/up'))).toBe(up('b', 'b'));
    // %i keeps the escaped instance name, %I unescapes it (systemd.unit(5) SPECIFIERS).
    expect(read(join(out, 'foo@web\\x2d1/up'))).toBe(up('web\\x2d1', 'web-1'));
    expect(read(join(out, 'foo@a/down'))).toBe(`"/usr/local/bin/foo-run" "--stop" "a with spaces"\n`);
    expect(read(join(out, 'foo@b/down'))).toBe(`"/usr/local/bin/foo-run" "--stop" "b with spaces"\n`);
  });

  it(`puts every instance in the multi-user bundle, and the tree is valid (${STACKS_TITLE})`, () => {
    expect(readdirSync(join(out, 'multi-user/contents.d')).sort()).toEqual(['foo@a', 'foo@b', 'foo@web\\x2d1']);
    expectValid(out);
  });
});

describe('drop-ins override in the right order', () => {
  const root = join(FIXTURES, 'dropins'); // read in place: convert never writes into its input
  const out = join(work, 'dropins-out');
  let converted: ConvertResult;

  beforeAll(() => {
    converted = convertHost({ paths: [], root, out, force: false });
  });

  it('x.service: lexical order across directories, /etc shadowing /run for the same name', () => {
    expect(converted.write.ok, JSON.stringify(converted.diagnostics, null, 1)).toBe(true);
    expect(read(join(out, 'x/type'))).toBe('longrun\n');
    // ExecStart reset and replaced by /etc's 10-a.conf; /run's 10-a.conf (ExecStart, User=) is shadowed.
    expect(read(join(out, 'x/run'))).toBe([
      '#!/usr/bin/execlineb -P',
      '"s6-envdir" "./env"',
      '"cd" "/srv/x"',
      '"/usr/sbin/xd" "--from" "etc-10-a"',
      '',
    ].join('\n'));
    // LEVEL: lib < etc/10-a < run/15-r < etc/20-b; WHO last set by run/15-r; SHADOWED never read.
    expect(readdirSync(join(out, 'x/env')).sort()).toEqual(['LEVEL', 'WHO']);
    expect(read(join(out, 'x/env/LEVEL'))).toBe('etc-20-b\n');
    expect(read(join(out, 'x/env/WHO'))).toBe('run-15-r\n');
    expect(read(join(out, 'x/down-signal'))).toBe('HUP\n');
  });

  it(`y.service: /etc replaces the /lib unit, /lib drop-ins still apply; valid (${STACKS_TITLE})`, () => {
    expect(read(join(out, 'y/up'))).toBe(`if { "/bin/echo" "etc-fragment" } "/bin/echo" "lib-dropin"\n`);
    expect(readdirSync(join(out, 'multi-user/contents.d')).sort()).toEqual(['x', 'y']);
    expectValid(out);
  });
});
