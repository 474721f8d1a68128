/**
 * Readers for the s6-rc source file formats, byte-exact as s6-rc-compile 0.5.4.1 parses them
 * (reference §1.3). Every function takes the raw bytes and returns a verdict; nothing here touches disk.
 */

export type ServiceType = 'oneshot' | 'longrun' | 'bundle';

/** Everything up to the first NUL: the C code treats what it read as a C string. */
function cString(b: Uint8Array): Uint8Array {
  const nul = b.indexOf(0);
  return nul === -1 ? b : b.subarray(0, nul);
}

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');

/**
 * TYPE: s6-rc-compile reads at most 8 bytes, drops one trailing LF, and compares as a C string. When it
 * read 8 bytes and the 8th is not LF, its NUL terminator lands past its 8-byte buffer (observed: abort,
 * exit 134, even for `oneshot\0`), so that is a rejection too.
 */
export const TYPE_READ_BYTES = 8;
export function parseType(bytes: Uint8Array): ServiceType | undefined {
  let b = bytes.subarray(0, TYPE_READ_BYTES);
  if (b.length === TYPE_READ_BYTES && b[TYPE_READ_BYTES - 1] !== 0x0a) return undefined;
  if (b.length > 0 && b[b.length - 1] === 0x0a) b = b.subarray(0, b.length - 1);
  const s = latin1(cString(b));
  return s === 'oneshot' || s === 'longrun' || s === 'bundle' ? s : undefined;
}

export interface ListedName {
  name: string; // latin1 byte string
  line: number;
}

/**
 * NAMELIST: lines split on LF (the last needs none); leading SPACE/TAB stripped; empty and `#` lines
 * skipped; the rest of the line (trailing blanks, CR, inline `#` included) is the name, cut at a NUL.
 * Repeated names are kept once; `repeated` lists the later occurrences (s6-rc-compile warns at -v2).
 */
export function parseNameList(bytes: Uint8Array): { names: ListedName[]; repeated: ListedName[] } {
  const names: ListedName[] = [];
  const repeated: ListedName[] = [];
  const seen = new Set<string>();
  let start = 0;
  let line = 1;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    let i = start;
    while (i < end && (bytes[i] === 0x20 || bytes[i] === 0x09)) i++;
    const name = latin1(cString(bytes.subarray(i, end)));
    if (name !== '' && !name.startsWith('#')) {
      if (seen.has(name)) repeated.push({ name, line });
      else {
        seen.add(name);
        names.push({ name, line });
      }
    }
    start = end + 1;
    line++;
  }
  return { names, repeated };
}

const UINT32_MAX = 4294967295;

/** Plain decimal, no sign or blanks, leading zeros allowed, within `max`. */
function decimal(s: string, max: number): number | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const v = Number(s.replace(/^0+(?=.)/, '').length > 10 ? NaN : s);
  return Number.isFinite(v) && v <= max ? v : undefined;
}

/** TIMEOUT: at most 63 bytes read, every trailing LF stripped, then a uint32 in decimal. */
export const TIMEOUT_READ_BYTES = 63;
export function parseTimeout(bytes: Uint8Array): number | undefined {
  let end = Math.min(bytes.length, TIMEOUT_READ_BYTES);
  while (end > 0 && bytes[end - 1] === 0x0a) end--;
  return decimal(latin1(cString(bytes.subarray(0, end))), UINT32_MAX);
}

/** UINT (s6rc_read_uint): at most 11 bytes read, cut at the first LF, then an unsigned int in decimal. */
export const UINT_READ_BYTES = 11;
export function parseUint(bytes: Uint8Array): number | undefined {
  let b = bytes.subarray(0, UINT_READ_BYTES);
  const lf = b.indexOf(0x0a);
  if (lf !== -1) b = b.subarray(0, lf);
  return decimal(latin1(cString(b)), UINT32_MAX);
}
