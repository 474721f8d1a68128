/**
 * `ExecStart=`-style command lines (systemd.service(5) "COMMAND LINES"; src/core/load-fragment.c
 * config_parse_exec, src/basic/extract-word.c with EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE):
 * - prefixes `-` `@` `:` `+` `!` `!!` `|` in any combination before the executable;
 * - words split at whitespace; double and single quotes group (also inside a word: `a"b c"` is `ab c`);
 * - C escapes (`\n`, `\t`, `\xNN`, `\NNN`, `\\`, `\"`, `\'`, `\s`) processed inside and outside quotes;
 * - a lone `;` separates two commands (old syntax), `\;` is a literal `;`;
 * - `$VAR` (a word of its own, split) and `${VAR}` (inside a word) are expanded by systemd at start time
 *   from the environment, unless the `:` prefix is given.
 */
import type { ExecLine, Origin } from '../../src/model/service.js';

export type SplitResult = { ok: true; words: RawWord[] } | { ok: false; error: string };

/** A word after unquoting, plus whether it was written as a bare `;`. */
export interface RawWord {
  text: string;
  separator: boolean;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', s: ' ',
  '\\': '\\', '"': '"', "'": "'",
  ';': ';', // `\;` is a literal semicolon word in command lines (not a separator)
};

/** Decodes one escape at `text[i]` (just after the backslash): the string it stands for and its length. */
function unescapeOne(text: string, i: number): { out: string; len: number } {
  const c = text[i]!;
  if (c in SIMPLE_ESCAPES) return { out: SIMPLE_ESCAPES[c]!, len: 1 };
  const hex = /^x([0-9a-fA-F]{2})/.exec(text.slice(i));
  if (hex) return { out: String.fromCharCode(parseInt(hex[1]!, 16)), len: 3 };
  const uni = /^u([0-9a-fA-F]{4})/.exec(text.slice(i)) ?? /^U([0-9a-fA-F]{8})/.exec(text.slice(i));
  if (uni) return { out: String.fromCodePoint(parseInt(uni[1]!, 16)), len: uni[0].length };
  const oct = /^([0-7]{3})/.exec(text.slice(i));
  if (oct) return { out: String.fromCharCode(parseInt(oct[1]!, 8)), len: 3 };
  // Unknown escape: keep it as written (systemd's relaxed mode), so nothing is lost.
  return { out: '\\' + c, len: 1 };
}

const SPACE = /[ \t\n\r]/;

/** Splits a value into words with systemd's quoting rules. */
export function splitUnitWords(text: string): SplitResult {
  const words: RawWord[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && SPACE.test(text[i]!)) i++;
    if (i >= text.length) break;
    let word = '';
    const start = i;
    let quote: '"' | "'" | undefined;
    while (i < text.length) {
      const c = text[i]!;
      if (quote === undefined && SPACE.test(c)) break;
      if (c === '\\') {
        if (i + 1 >= text.length) return { ok: false, error: 'trailing backslash' };
        const e = unescapeOne(text, i + 1);
        word += e.out;
        i += 1 + e.len;
        continue;
      }
      if (quote !== undefined) {
        if (c === quote) quote = undefined;
        else word += c;
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        quote = c;
        i++;
        continue;
      }
      word += c;
      i++;
    }
    if (quote !== undefined) return { ok: false, error: `unterminated ${quote === '"' ? 'double' : 'single'} quote` };
    words.push({ text: word, separator: i - start === 1 && text[start] === ';' });
  }
  return { ok: true, words };
}

export type ExecParse = { ok: true; lines: ExecLine[] } | { ok: false; error: string };

const PREFIX_CHARS = new Set(['-', '@', ':', '+', '!', '|']);

/**
 * Parses one `Exec*=` value into command lines. `expandWord` resolves specifiers in each word after
 * unquoting, as config_parse_exec does.
 */
export function parseExecValue(value: string, origin: Origin, expandWord: (w: string) => string = (w) => w): ExecParse {
  const split = splitUnitWords(value);
  if (!split.ok) return { ok: false, error: split.error };
  const groups: RawWord[][] = [[]];
  for (const w of split.words) {
    if (w.separator) groups.push([]);
    else groups[groups.length - 1]!.push(w);
  }
  const lines: ExecLine[] = [];
  for (const g of groups) {
    if (g.length === 0) {
      if (groups.length > 1) return { ok: false, error: 'empty command between `;` separators' };
      continue;
    }
    let first = g[0]!.text;
    const prefixes: string[] = [];
    while (first.length > 0 && PREFIX_CHARS.has(first[0]!)) {
      if (first.startsWith('!!')) {
        prefixes.push('!!');
        first = first.slice(2);
      } else {
        prefixes.push(first[0]!);
        first = first.slice(1);
      }
    }
    if (first === '') return { ok: false, error: 'no executable after the prefixes' };
    const rest = g.slice(1).map((w) => expandWord(w.text));
    const path = expandWord(first);
    const line: ExecLine = { argv: [path], prefixes, origin };
    if (prefixes.includes('@')) {
      // `@path argv0 args`: path is executed with argv[0] = argv0; the words the program sees follow.
      if (rest.length === 0) return { ok: false, error: '`@` prefix needs an argv[0] word after the executable' };
      line.argv0 = rest[0]!;
      line.argv.push(...rest.slice(1));
    } else line.argv.push(...rest);
    lines.push(line);
  }
  return { ok: true, lines };
}

const WHOLE_VAR = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;
const BRACED_VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Variable names systemd would expand in this argv at start time (systemd.service(5)). */
export function referencedVariables(argv: readonly string[]): string[] {
  const names = new Set<string>();
  for (const w of argv) {
    if (!w.includes('$')) continue; // most words; matchAll would clone the regex and make an iterator
    const whole = WHOLE_VAR.exec(w);
    if (whole) names.add(whole[1]!);
    for (const m of w.matchAll(BRACED_VAR)) names.add(m[1]!);
  }
  return names.size === 0 ? [] : [...names].sort();
}

/**
 * Expands `$VAR` / `${VAR}` / `$$` the way systemd does (replace_env_argv): a whole-word `$VAR` becomes
 * the value split at whitespace, `${VAR}` is replaced inside the word. Only called when every referenced
 * variable is known, so the result is what the program would receive.
 */
export function expandVariables(argv: readonly string[], env: Record<string, string>): string[] {
  const out: string[] = [];
  for (const w of argv) {
    const whole = WHOLE_VAR.exec(w);
    if (whole) {
      out.push(...(env[whole[1]!] ?? '').split(/[ \t\n]+/).filter((x) => x !== ''));
      continue;
    }
    out.push(w.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, n: string | undefined) => (n === undefined ? '$' : env[n] ?? '')));
  }
  return out;
}
