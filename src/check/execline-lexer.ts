/**
 * The execline lexer as s6-rc-compile runs it over oneshot `up`/`down` (reference §7.2, §7.3; execline
 * 2.9.3.0 `el_parse`, whose state machine is documented in its PARSING.txt). It is byte-exact on purpose:
 * whether s6-rc-compile accepts a script depends on quirks (a NUL inside a numeric escape ends the script,
 * `{\` continues a word, ...), so this follows that state machine rather than a cleaner grammar.
 * End of input is fed as a NUL byte, as el_parse_from_buffer does.
 */

export type LexError = 'unmatched {' | 'unmatched }' | 'syntax';
export type LexResult = { ok: true; argv: Buffer[] } | { ok: false; error: LexError };

// Character classes of PARSING.txt.
const enum C { Nul, Space, Hash, Quote, Newline, Backslash, Normal, Abf, D17, D89, Zero, Nrtv, X, HexLetter, LBrace, RBrace }

function classOf(b: number): C {
  if (b === 0) return C.Nul;
  if (b === 0x0a) return C.Newline;
  if (b <= 0x20) return C.Space; // every control byte and SPACE is whitespace
  switch (b) {
    case 0x23: return C.Hash;
    case 0x22: return C.Quote;
    case 0x5c: return C.Backslash;
    case 0x7b: return C.LBrace;
    case 0x7d: return C.RBrace;
    case 0x61: case 0x62: case 0x66: return C.Abf; // a b f: control escapes that are also hex digits
    case 0x6e: case 0x72: case 0x74: case 0x76: return C.Nrtv; // n r t v: control escapes
    case 0x78: return C.X;
    case 0x30: return C.Zero;
    case 0x38: case 0x39: return C.D89;
  }
  if (b >= 0x31 && b <= 0x37) return C.D17;
  if ((b >= 0x41 && b <= 0x46) || b === 0x63 || b === 0x64 || b === 0x65) return C.HexLetter;
  return C.Normal; // includes DEL and bytes >= 0x80
}

const enum S { Start, Comment, OpenB, CloseB, Word, BsSpace, BsWord, BsQuote, Quote, Oct, Oct1, Oct2, Dec1, Dec2, Hex, Hex1, EndNum, End, Error }

/** Actions of one transition, in the order el_parse applies them. */
interface Step {
  next: S;
  scan?: true; // turn the digits since the mark into one byte
  mark?: true; // remember where the digits start
  newWord?: true; // push one space per open block
  open?: true; // the pushed `{` opens a block instead of being a word
  close?: true; // the pushed `}` closes a block
  push?: true; // keep the current byte
  control?: true; // push the control byte for \a \b \t \n \v \f \r
  endWord?: true;
  base?: true; // numeric escape base from the current byte
}

const isDigit = (c: C): boolean => c === C.D17 || c === C.D89 || c === C.Zero;
const isHexDigit = (c: C): boolean => isDigit(c) || c === C.Abf || c === C.HexLetter;

/** After a numeric escape: a NUL ends everything, a quote ends the string, a backslash escapes. */
function afterNumber(c: C): Step {
  if (c === C.Nul) return { next: S.End, scan: true, endWord: true };
  if (c === C.Quote) return { next: S.Word, scan: true };
  if (c === C.Backslash) return { next: S.BsQuote, scan: true };
  return { next: S.Quote, scan: true, push: true };
}

function step(s: S, c: C): Step {
  switch (s) {
    case S.Start:
      if (c === C.Nul) return { next: S.End };
      if (c === C.Space || c === C.Newline) return { next: S.Start };
      if (c === C.Hash) return { next: S.Comment };
      if (c === C.Quote) return { next: S.Quote, newWord: true };
      if (c === C.Backslash) return { next: S.BsSpace };
      if (c === C.LBrace) return { next: S.OpenB, newWord: true, push: true };
      if (c === C.RBrace) return { next: S.CloseB, newWord: true, push: true };
      return { next: S.Word, newWord: true, push: true };
    case S.Comment:
      if (c === C.Nul) return { next: S.End };
      return { next: c === C.Newline ? S.Start : S.Comment };
    case S.OpenB:
    case S.CloseB: {
      const open = s === S.OpenB;
      if (c === C.Nul) return open ? { next: S.Error } : { next: S.End, close: true, endWord: true };
      if (c === C.Space || c === C.Newline) return open ? { next: S.Start, open: true } : { next: S.Start, close: true, endWord: true };
      if (c === C.Quote) return { next: S.Quote };
      if (c === C.Backslash) return { next: S.BsSpace };
      return { next: S.Word, push: true };
    }
    case S.Word:
      if (c === C.Nul) return { next: S.End, endWord: true };
      if (c === C.Space || c === C.Newline) return { next: S.Start, endWord: true };
      if (c === C.Quote) return { next: S.Quote };
      if (c === C.Backslash) return { next: S.BsWord };
      return { next: S.Word, push: true };
    case S.BsSpace:
      if (c === C.Nul) return { next: S.End };
      if (c === C.Newline) return { next: S.Start };
      return { next: S.Word, newWord: true, push: true };
    case S.BsWord:
      return c === C.Nul ? { next: S.Error } : { next: S.Word, push: true };
    case S.BsQuote:
      if (c === C.Nul) return { next: S.Error };
      if (c === C.Newline) return { next: S.Quote };
      if (c === C.Abf || c === C.Nrtv) return { next: S.Quote, control: true };
      if (c === C.D17 || c === C.D89) return { next: S.Dec1, mark: true, push: true, base: true };
      if (c === C.Zero) return { next: S.Oct, base: true };
      return { next: S.Quote, push: true };
    case S.Quote:
      if (c === C.Nul) return { next: S.Error };
      if (c === C.Quote) return { next: S.Word };
      if (c === C.Backslash) return { next: S.BsQuote };
      return { next: S.Quote, push: true };
    case S.Oct:
      if (c === C.D17 || c === C.Zero) return { next: S.Oct1, mark: true, push: true };
      if (c === C.X) return { next: S.Hex, base: true };
      return { next: S.Error };
    case S.Oct1:
    case S.Oct2:
      if (c === C.D17 || c === C.Zero) return { next: s === S.Oct1 ? S.Oct2 : S.EndNum, push: true };
      return afterNumber(c);
    case S.Dec1:
    case S.Dec2:
      if (isDigit(c)) return { next: s === S.Dec1 ? S.Dec2 : S.EndNum, push: true };
      return afterNumber(c);
    case S.Hex:
      return isHexDigit(c) ? { next: S.Hex1, mark: true, push: true } : { next: S.Error };
    case S.Hex1:
      return isHexDigit(c) ? { next: S.EndNum, push: true } : afterNumber(c);
    case S.EndNum:
      return afterNumber(c);
    default:
      return { next: S.Error };
  }
}

const CONTROL = 'abtnvfr';

/**
 * `step` and `classOf` tabulated once, so lexing a byte is two array reads rather than two calls and a
 * fresh object: the validator lexes every oneshot's scripts, and that was most of its time. Every entry
 * has every field, so the loop reads one object shape.
 */
const STATES = S.Error + 1;
const CLASSES = C.RBrace + 1;
const CLASS_OF = Uint8Array.from({ length: 256 }, (_, b) => classOf(b));
/** A `Step` with every action spelled out. */
type Transition = { next: S } & Record<Exclude<keyof Step, 'next'>, boolean>;
const STEPS: Transition[] = [];
for (let s = 0; s < STATES; s++) {
  for (let c = 0; c < CLASSES; c++) {
    const t = step(s, c);
    STEPS.push({ next: t.next, scan: t.scan ?? false, mark: t.mark ?? false, newWord: t.newWord ?? false, open: t.open ?? false,
      close: t.close ?? false, push: t.push ?? false, control: t.control ?? false, endWord: t.endWord ?? false, base: t.base ?? false });
  }
}

/**
 * The form the writer gives every oneshot script (`execlineLine`): quoted words with no backslash or NUL
 * inside, each closing quote followed by whitespace (bytes 1-32) or the end. In the state machine such a
 * script only ever goes Start -> Quote -> Word -> Start: no escape, no block, no comment, no joined
 * word, so each word is exactly the bytes between its quotes. Recognised by one native regex, in latin1
 * (one char per byte); anything else goes through the machine.
 */
const PLAIN_QUOTED = /^[\x01-\x20]*(?:"[^"\\\x00]*"(?:[\x01-\x20]+|$))*$/;
const QUOTED_WORD = /"([^"\\\x00]*)"/g;

/** Lexes a whole script into the argv s6-rc-compile would store, blocks encoded as in §7.3. */
export function lexExecline(script: Uint8Array): LexResult {
  const text = Buffer.from(script.buffer, script.byteOffset, script.length).toString('latin1');
  if (!PLAIN_QUOTED.test(text)) return lexExeclineByMachine(script);
  const argv: Buffer[] = [];
  for (const m of text.matchAll(QUOTED_WORD)) argv.push(Buffer.from(m[1]!, 'latin1'));
  return { ok: true, argv };
}

/** `lexExecline` by the state machine alone, whatever the script (exported for the tests). */
export function lexExeclineByMachine(script: Uint8Array): LexResult {
  const out: number[] = [];
  let mark = 0;
  let blevel = 0;
  let base = 10;
  const words: Buffer[] = [];
  let wordStart = 0;
  let state: S = S.Start;
  for (let i = 0; i <= script.length && state !== S.End && state !== S.Error; i++) {
    const cur = i < script.length ? script[i]! : 0;
    const t: Transition = STEPS[state * CLASSES + CLASS_OF[cur]!]!;
    state = t.next;
    if (t.scan) {
      const digits = String.fromCharCode(...out.slice(mark));
      out.length = mark;
      const u = parseInt(digits, base);
      if (!(u > 0 && u <= 0xff)) return { ok: false, error: 'syntax' };
      out.push(u);
    }
    if (t.mark) mark = out.length;
    if (t.newWord) for (let k = 0; k < blevel; k++) out.push(0x20);
    if (t.open) out.length -= ++blevel;
    if (t.close) {
      if (blevel === 0) return { ok: false, error: 'unmatched }' };
      blevel--;
      out.length -= 2;
    }
    if (t.push) out.push(cur);
    if (t.control) out.push(7 + CONTROL.indexOf(String.fromCharCode(cur)));
    if (t.endWord) {
      words.push(Buffer.from(out.slice(wordStart)));
      wordStart = out.length;
    }
    if (t.base) base = cur === 0x78 ? 16 : cur === 0x30 ? 8 : 10;
  }
  if (state === S.Error) return { ok: false, error: 'syntax' };
  if (blevel > 0) return { ok: false, error: 'unmatched {' };
  return { ok: true, argv: words };
}
