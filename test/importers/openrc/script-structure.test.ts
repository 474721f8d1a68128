import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { importOpenrc } from '../../../importers/openrc/index.js';
import { parseScript } from '../../../importers/openrc/shell-structure.js';
import { cleanupRoots, codes, FIXTURE_HOST, importScript, makeRoot, SHEBANG } from './helpers.js';

afterAll(cleanupRoots);

describe('custom functions', () => {
  it('every top-level function except depend() is listed, sorted', () => {
    const { evidence } = importScript(`${SHEBANG}command=/bin/d\nstop_post() { :; }\nstart_pre()\n{\n\t:\n}\nfunction helper {\n\t:\n}\nreload() ( kill -HUP 1 )\ndepend() { need a; }\n`);
    expect(evidence.functions).toEqual(['helper', 'reload', 'start_pre', 'stop_post']);
  });

  it('custom start() and stop() give "stays a wrapper" findings at their lines', () => {
    const { service } = importScript(`${SHEBANG}start() {\n\t/usr/bin/x &\n}\nstop() {\n\tpkill x\n}\n`);
    const f = service.findings.filter((x) => x.code === 'openrc-custom-start' || x.code === 'openrc-custom-stop');
    expect(f.map((x) => [x.code, x.origin.line])).toEqual([['openrc-custom-start', 2], ['openrc-custom-stop', 5]]);
    expect(f[0]!.message).toContain('stays a wrapper');
    expect(service.run.daemon).toBeUndefined();
    // Still a wrapper: the script itself is what starts it.
    expect(service.wrapper).toMatchObject({ kind: 'oneshot' });
  });

  it('start_pre / stop_post hooks are reported', () => {
    const { service } = importScript(`${SHEBANG}command=/bin/d\nstart_pre() { :; }\nstop_post() { :; }\n`);
    expect(codes(service).filter((c) => c === 'openrc-hook')).toHaveLength(2);
  });

  it('neither command nor start(): a finding says nothing is started', () => {
    expect(codes(importScript(`${SHEBANG}description=x\n`).service)).toContain('openrc-no-command');
  });

  it('braces and keywords inside quotes, here-documents and case patterns do not confuse the reader', () => {
    const text = `${SHEBANG}start_pre() {\n\techo "}"\n\tcat <<EOF\n}\nfi\nEOF\n\tcase $1 in\n\t\ta|b) echo '{' ;;\n\t\t(c) : ;;\n\tesac\n}\ncommand=/bin/after\n`;
    const parsed = parseScript(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.functions.map((f) => [f.name, f.line, f.endLine])).toEqual([['start_pre', 2, 12]]);
    const top = parsed.commands.filter((c) => c.fn === undefined).map((c) => c.words[0]!.raw);
    expect(top).toEqual(['command=/bin/after']);
  });
});

describe('shebang', () => {
  it('#!/usr/sbin/openrc-run is accepted', () => {
    expect(importScript('#!/usr/sbin/openrc-run\ncommand=/bin/d\n').service.name).toBe('svc');
  });

  it('#!/sbin/runscript is accepted with a note', () => {
    const { result } = importScript('#!/sbin/runscript\ncommand=/bin/d\n');
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([['openrc-runscript', 'note', 1]]);
  });

  it('another interpreter is refused with a diagnostic, not imported', () => {
    const file = join(FIXTURE_HOST, 'etc/init.d/plain-sysv');
    const r = importOpenrc({ root: FIXTURE_HOST, files: [file] });
    expect(r.services).toEqual([]);
    expect(r.diagnostics).toEqual([expect.objectContaining({ file, line: 1, code: 'openrc-not-a-script', severity: 'error' })]);
  });

  it('a missing file is one diagnostic, nothing throws', () => {
    const r = importOpenrc({ root: '/', files: ['/nonexistent/init.d/x'] });
    expect(r.services).toEqual([]);
    expect(r.diagnostics[0]!.code).toBe('unreadable-file');
  });
});

describe('malformed input: a diagnostic with file and line, the rest imported', () => {
  it('unterminated quote: reported at its line, closed at the end of that line', () => {
    const file = join(FIXTURE_HOST, 'etc/init.d/broken-quote');
    const r = importOpenrc({ root: FIXTURE_HOST, files: [file] });
    expect(r.diagnostics).toEqual([expect.objectContaining({ file, line: 3, code: 'openrc-unterminated-quote', service: 'broken-quote' })]);
    const s = r.services[0]!;
    expect(s.run.daemon!.argv).toEqual(['/usr/bin/bq', '--ok', '--x']);
    expect(s.run.pidfile!.path).toBe('/run/bq.pid');
    expect(s.description).toBe('plain');
  });

  it('unterminated double quote', () => {
    const { result, service } = importScript(`${SHEBANG}command=/bin/d\ndescription="oops\npidfile=/run/d.pid\n`);
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['openrc-unterminated-quote', 3]]);
    expect(service.description).toBe('oops');
    expect(service.run.pidfile!.path).toBe('/run/d.pid');
  });

  it('depend() without its closing brace: reported at the depend line, later settings still read', () => {
    const file = join(FIXTURE_HOST, 'etc/init.d/broken-depend');
    const r = importOpenrc({ root: FIXTURE_HOST, files: [file] });
    expect(r.diagnostics).toEqual([expect.objectContaining({ file, line: 2, code: 'openrc-unterminated-function' })]);
    const s = r.services[0]!;
    expect(s.deps.map((d) => d.target)).toEqual(['network', 'syslog']);
    expect(s.run.daemon!.argv).toEqual(['/usr/bin/bd']);
    expect(s.run.pidfile!.path).toBe('/run/bd.pid');
    expect(s.sources[0]!.format === 'openrc' && s.sources[0]!.functions).toEqual(['start_pre']);
  });

  it('an unterminated function at the end of the file', () => {
    const { result, service } = importScript(`${SHEBANG}command=/bin/d\nstart_pre() {\n\techo x\n`);
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['openrc-unterminated-function', 3]]);
    expect(service.run.daemon!.argv).toEqual(['/bin/d']);
  });

  it('unbalanced fi, unclosed if, unterminated here-document', () => {
    const a = importScript(`${SHEBANG}command=/bin/d\nfi\n`).result.diagnostics;
    expect(a.map((d) => [d.code, d.line])).toEqual([['openrc-unbalanced', 3]]);
    const b = importScript(`${SHEBANG}command=/bin/d\nif true; then\n\tx=1\n`).result.diagnostics;
    expect(b.map((d) => [d.code, d.line])).toEqual([['openrc-unterminated-block', 3]]);
    const c = importScript(`${SHEBANG}command=/bin/d\ncat <<END\nhello\n`).result.diagnostics;
    expect(c.map((d) => [d.code, d.line])).toEqual([['openrc-unterminated-heredoc', 3]]);
  });

  it('a malformed conf.d is reported against the conf.d file', () => {
    const root = makeRoot({ 'etc/init.d/svc': `${SHEBANG}command=/bin/d\n`, 'etc/conf.d/svc': 'a=1\nb="x\n' });
    const r = importOpenrc({ root, files: [join(root, 'etc/init.d/svc')] });
    expect(r.diagnostics).toEqual([expect.objectContaining({ file: join(root, 'etc/conf.d/svc'), line: 2, code: 'openrc-unterminated-quote' })]);
    expect(r.services).toHaveLength(1);
  });
});
