/**
 * Writing an argv as execline text so that the program receives it byte for byte (reference §7.6):
 * quote every word, escape `\` and `"`, spell control characters as escapes. No generated script uses
 * substitution (`-P`, no importas/define), so `$` needs no escaping.
 */

export class UnsafeArgvError extends Error {}

export function quoteExeclineWord(word: string): string {
  if (word.includes('\0')) throw new UnsafeArgvError('argument contains a NUL byte, which no program can receive');
  let out = '"';
  for (const ch of word) {
    switch (ch) {
      case '\\': out += '\\\\'; break;
      case '"': out += '\\"'; break;
      case '\n': out += '\\n'; break;
      case '\t': out += '\\t'; break;
      case '\r': out += '\\r'; break;
      default: out += ch;
    }
  }
  return out + '"';
}

/** One line of execline: every word quoted, joined with spaces. */
export function execlineLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new UnsafeArgvError('empty command');
  return argv.map(quoteExeclineWord).join(' ');
}

/** Shebang for longrun scripts: Debian's execlineb, positional parameters ignored (reference §7.1). */
export const EXECLINE_SHEBANG = '#!/usr/bin/execlineb -P';
