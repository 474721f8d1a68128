import { describe, expect, it } from 'vitest';
import { expandVariables, parseExecValue, referencedVariables, splitUnitWords } from '../../../importers/systemd/exec-line.js';

const O = { file: '/u.service', line: 7 };
const words = (t: string) => {
  const r = splitUnitWords(t);
  if (!r.ok) throw new Error(r.error);
  return r.words.map((w) => w.text);
};
const lines = (t: string) => {
  const r = parseExecValue(t, O);
  if (!r.ok) throw new Error(r.error);
  return r.lines;
};

describe('ExecStart= word splitting (systemd.service(5) COMMAND LINES)', () => {
  it('splits at whitespace, groups double and single quotes, also inside a word', () => {
    expect(words('/bin/echo  a "b c"  \'d "e" f\' --opt="x y"z')).toEqual(['/bin/echo', 'a', 'b c', 'd "e" f', '--opt=x yz']);
  });
  it('processes C escapes inside and outside quotes', () => {
    expect(words('a\\tb "c\\nd" \'e\\x41\' \\" \\\\ \\101 \\s')).toEqual(['a\tb', 'c\nd', 'eA', '"', '\\', 'A', ' ']);
  });
  it('keeps an unknown escape as written', () => {
    expect(words('grep \\d+')).toEqual(['grep', '\\d+']);
  });
  it('empty quotes make an empty word', () => {
    expect(words('prog "" x')).toEqual(['prog', '', 'x']);
  });
  it('rejects an unterminated quote and a trailing backslash', () => {
    expect(splitUnitWords('/bin/x "abc')).toEqual({ ok: false, error: 'unterminated double quote' });
    expect(splitUnitWords("/bin/x 'abc")).toEqual({ ok: false, error: 'unterminated single quote' });
    expect(splitUnitWords('/bin/x \\')).toEqual({ ok: false, error: 'trailing backslash' });
  });
});

describe('ExecStart= prefixes and command lines', () => {
  it('reads each prefix and combinations', () => {
    expect(lines('-/bin/true')[0]!.prefixes).toEqual(['-']);
    expect(lines('+/bin/true')[0]!.prefixes).toEqual(['+']);
    expect(lines('!/bin/true')[0]!.prefixes).toEqual(['!']);
    expect(lines('!!/bin/true')[0]!.prefixes).toEqual(['!!']);
    expect(lines(':/bin/true')[0]!.prefixes).toEqual([':']);
    expect(lines('-:+/bin/true x')[0]).toEqual({ argv: ['/bin/true', 'x'], prefixes: ['-', ':', '+'], origin: O });
    expect(lines('-!!/bin/true')[0]!.prefixes).toEqual(['-', '!!']);
  });
  it('@ takes the next word as argv[0]', () => {
    expect(lines('@/usr/sbin/daemon my-daemon -f')[0]).toEqual({ argv: ['/usr/sbin/daemon', '-f'], argv0: 'my-daemon', prefixes: ['@'], origin: O });
    expect(parseExecValue('@/usr/sbin/daemon', O).ok).toBe(false);
  });
  it('a lone ; separates commands, \\; is a literal word', () => {
    expect(lines('/bin/a 1 ; /bin/b 2').map((l) => l.argv)).toEqual([['/bin/a', '1'], ['/bin/b', '2']]);
    expect(lines('/usr/bin/find . -exec rm {} \\;')[0]!.argv).toEqual(['/usr/bin/find', '.', '-exec', 'rm', '{}', ';']);
  });
  it('prefix without an executable is an error', () => {
    expect(parseExecValue('-', O)).toEqual({ ok: false, error: 'no executable after the prefixes' });
  });
  it('expands each word through the given function after unquoting', () => {
    const r = parseExecValue('/bin/x "%i y"', O, (w) => w.replace('%i', 'inst'));
    expect(r.ok && r.lines[0]!.argv).toEqual(['/bin/x', 'inst y']);
  });
});

describe('environment variables in command lines', () => {
  it('finds $VAR words and ${VAR} anywhere, not $VAR inside a word', () => {
    expect(referencedVariables(['/bin/x', '$A', '--b=${B}', 'c$C'])).toEqual(['A', 'B']);
  });
  it('expands like systemd: $VAR splits, ${VAR} stays one word, $$ is $', () => {
    expect(expandVariables(['/bin/x', '$A', '--b=${B}', '$$', 'p$$q'], { A: 'one  two', B: 'x y' })).toEqual(['/bin/x', 'one', 'two', '--b=x y', '$', 'p$q']);
  });
});
