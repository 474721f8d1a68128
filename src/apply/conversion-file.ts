/**
 * The conversion file handed to `s6-rc-update -f` (reference §5.4): each line is lexed with the execline
 * lexer, so names are quoted with the same quoting the generated scripts use; `#` starts a comment.
 */
import { quoteExeclineWord } from '../s6rc/execline.js';
import { cmp } from '../model/diagnostic.js';

/** `"NAME" restart` for each longrun to restart; empty string when there is nothing to say. */
export function conversionFile(restart: readonly string[]): string {
  const names = [...new Set(restart)].sort(cmp);
  if (names.length === 0) return '';
  const lines = ['# s6migrate: longruns whose servicedir files changed; s6-rc-update would not restart them'];
  for (const n of names) lines.push(`${quoteExeclineWord(n)} restart`);
  return lines.join('\n') + '\n';
}
