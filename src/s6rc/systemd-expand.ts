/**
 * A unit's command line with `$VAR` references, as a command s6 can run. Used by the first conversion
 * (a unit's oneshot commands and longrun) and by the upgrade, so both expand exactly as systemd does.
 */

/**
 * `noExpand`: the `:` prefix, or `$VAR`s already replaced at conversion time; the argv is used as it is.
 * systemd expands `$FOO` (a word of its own, split at whitespace) and `${FOO}` (anywhere, one word) from
 * Environment=/EnvironmentFile=. The run script loads the same variables, then a small `/bin/sh -c`
 * performs the expansion with globbing off, so the daemon sees what systemd would have passed.
 */
export function systemdArgv(argv: readonly string[], noExpand: boolean): { argv: string[]; expands: string[] } {
  // `:` turns off the whole substitution, `$$` included (systemd.service(5) "Command lines").
  if (noExpand || !argv.some((w) => w.includes('$'))) return { argv: [...argv], expands: [] };
  const expands = new Set<string>();
  const sq = (s: string): string => (s === '' ? '' : `'${s.replace(/'/g, `'\\''`)}'`);
  const shellWords = argv.map((word) => {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word);
    if (whole) {
      expands.add(whole[1]!);
      return `$${whole[1]}`;
    }
    let out = '';
    let lit = '';
    for (let i = 0; i < word.length; ) {
      const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(word.slice(i));
      if (word.startsWith('$$', i)) {
        lit += '$';
        i += 2;
      } else if (m) {
        out += sq(lit) + `"\${${m[1]}}"`;
        lit = '';
        expands.add(m[1]!);
        i += m[0].length;
      } else {
        lit += word[i];
        i++;
      }
    }
    out += sq(lit);
    return out === '' ? "''" : out;
  });
  if (expands.size === 0) return { argv: argv.map((w) => w.replace(/\$\$/g, '$')), expands: [] };
  return { argv: ['/bin/sh', '-c', 'set -f; exec ' + shellWords.join(' ')], expands: [...expands].sort() };
}
