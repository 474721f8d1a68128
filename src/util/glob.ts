/** Shell pattern matching (POSIX 2.13), shared by the importers' readers of `case` and `${x#pattern}`. */

/**
 * A shell glob (`*`, `?`, `[...]`) as an anchored regular expression. A bracket expression JavaScript
 * cannot take (`[z-a]`) makes the whole pattern literal instead of throwing: importers never throw on
 * what a script says.
 */
export function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) re += escapeRegex(glob[++i]!);
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      // A `]` right after `[` or `[!` is a member, not the end (POSIX 9.3.5).
      let from = i + 1;
      const negated = glob[from] === '!' || glob[from] === '^';
      if (negated) from++;
      const close = glob.indexOf(']', from + 1);
      if (close === -1) { re += '\\['; continue; }
      const members = glob.slice(from, close).replace(/[\\\]\[^]/g, '\\$&');
      re += `[${negated ? '^' : ''}${members}]`;
      i = close;
    } else re += escapeRegex(c);
  }
  try {
    return new RegExp('^' + re + '$');
  } catch {
    return new RegExp('^' + escapeRegex(glob) + '$');
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
