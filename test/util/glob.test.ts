/** globRegex against the real shell's `case` (dash, /bin/sh on Debian) on the same patterns and words. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { globRegex } from '../../src/util/glob.js';

const patterns = ['start', 'st*', '[Ss]tart', '[!x]tart', 's?art', '[', 'sta[rt', '*[', '[]]', 'start|stop', '\\*', '[a-c]*'];
const words = ['start', 'Start', 'xtart', 'sta[rt', '[', '*', ']', 'stop', 'bart'];

/** What `case WORD in PATTERN)` does in dash: the pattern is spliced unquoted, as a script writes it. */
function shellMatches(pattern: string, word: string): boolean {
  const r = spawnSync('/bin/sh', ['-c', `case "$1" in ${pattern}) exit 0;; esac; exit 1`, 'sh', word]);
  return r.status === 0;
}

describe('globRegex agrees with /bin/sh case', () => {
  for (const p of patterns.filter((x) => !x.includes('|'))) {
    it(`pattern ${JSON.stringify(p)}`, () => {
      const re = globRegex(p);
      for (const w of words) expect([w, re.test(w)]).toEqual([w, shellMatches(p, w)]);
    });
  }
});
