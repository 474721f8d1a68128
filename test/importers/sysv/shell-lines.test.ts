/** Logical lines and simple commands: the fast path that skips and never builds most of a script. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { factCommands, mayStateFact, simpleCommands } from '../../../importers/sysv/shell-lines.js';

// Pieces that stress what the fast path must not miss: fact commands spelled with quotes and escapes,
// function headers, braces, multi-line quotes, continuations, comments and here-documents.
const piece = fc.constantFrom(
  'A=1', 'B=$A', 'e"x"port C=2', "ex'port' D", 'ex\\port E=3', "'.' /etc/default/x", '\\: ${F:=f}', '"."', ':', '.',
  'unset A', 'readonly G=1', 'source /x', 'exec start-stop-daemon --start --exec /bin/d', '/sbin/start-stop-daemon -S',
  'start_daemon -p /run/p /bin/d', 'st"art"-stop-daemon --stop', 'f()', 'f ( )', 'function g', '{', '}', '( x )', '$(y)',
  'echo hi', 'log_daemon_msg "Starting $NAME"', 'case "$1" in', 'start)', ';;', 'esac', 'if [ -x "$D" ]; then', 'fi',
  '# comment = { }', '"multi\n line"', "'it\n is'", ' \\\n', '\n', '\n', ' ', '; ', ' && ', ' | ', ' 2>&1 ', '<<EOF\nA=9\nEOF\n', '"', "'",
);
const script = fc.array(piece, { maxLength: 40 }).map((p) => p.join(' '));

describe('fact commands', () => {
  it('are exactly the commands whose first word can state a fact, with the same words, lines and functions', () => {
    fc.assert(
      fc.property(script, (text) => {
        const all = simpleCommands(text);
        const fast = factCommands(text);
        expect(fast.commands).toEqual(all.commands.filter((c) => mayStateFact(c.words[0]!)));
        expect(fast.problems).toEqual(all.problems);
      }),
      { numRuns: 3000 },
    );
  });

  it('finds fact commands hidden behind quotes, escapes and function bodies', () => {
    const text = 'e"x"port A=1\nf() {\n  \'.\' /etc/default/f\n}\nlog_msg x\n\\: ${B:=2}\n';
    const cmds = factCommands(text).commands.map((c) => [c.line, c.words.map((w) => w.raw).join(' '), c.inFunction ?? '']);
    expect(cmds).toEqual([[1, 'e"x"port A=1', ''], [3, "'.' /etc/default/f", 'f'], [6, '\\: ${B:=2}', '']]);
  });
});
