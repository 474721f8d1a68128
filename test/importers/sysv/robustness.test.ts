/** Arbitrary input never throws: the readers turn anything into data or diagnostics. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseLsbHeader } from '../../../importers/sysv/lsb-header.js';
import { interpretLsb } from '../../../importers/sysv/lsb-fields.js';
import { evalAssignments, ShellEnv } from '../../../importers/sysv/shell-vars.js';
import { findDaemonCalls } from '../../../importers/sysv/start-stop-daemon.js';

// Shell-ish alphabet so the generator hits quotes, expansions, operators and header syntax often.
const shellish = fc
  .array(fc.constantFrom('a', 'X', '=', ' ', '\t', '\n', '"', "'", '\\', '$', '{', '}', '(', ')', '`', '#', ':', '-', ';', '|', '&', '<', '>', 'start-stop-daemon ', '--exec ', '### BEGIN INIT INFO\n', '### END INIT INFO\n', '# Default-Start: ', '# Description: ', '#  ', '. /etc/default/x\n'), { maxLength: 120 })
  .map((parts) => parts.join(''));

describe('robustness', () => {
  it('header, variables and daemon calls never throw', () => {
    fc.assert(
      fc.property(shellish, (text) => {
        const h = parseLsbHeader(text, 'f');
        if (h.header) interpretLsb(h.header, 'f', 'x');
        const env = new ShellEnv();
        env.noteDynamicNames(text);
        evalAssignments(text, 'f', env, { onSource: () => {} });
        findDaemonCalls(text, 'f', env);
      }),
      { numRuns: 500 },
    );
  });

  it('an unterminated quote is reported with the line it opens on', () => {
    const env = new ShellEnv();
    const problems = evalAssignments('A=1\nB="never closed\nC=3\n', 'f', env);
    expect(problems).toEqual([{ line: 2, message: 'unterminated double quote opened here' }]);
    expect(env.get('A')).toBe('1');
  });
});
