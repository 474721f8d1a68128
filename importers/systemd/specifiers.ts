/**
 * Unit specifiers (systemd.unit(5) "SPECIFIERS"), resolved for the system manager running as root.
 * Values that depend on the running host (host name, machine id, boot id, kernel) cannot be known when
 * converting; they expand to a best guess and the caller records a finding.
 */

/** Unit name parts, from `foo@bar.service` or `foo.service`. */
export interface UnitName {
  /** Full name, e.g. `foo@bar.service`. */
  name: string;
  /** `foo` for `foo@bar.service` and for `foo.service`. */
  prefix: string;
  /** `bar` for `foo@bar.service`, '' for a template `foo@.service`, undefined when not a template. */
  instance?: string;
  /** `service`, `socket`, ... */
  type: string;
}

export function parseUnitName(name: string): UnitName | undefined {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const type = name.slice(dot + 1);
  const stem = name.slice(0, dot);
  const at = stem.indexOf('@');
  if (at === -1) return { name, prefix: stem, type };
  if (at === 0) return undefined;
  return { name, prefix: stem.slice(0, at), instance: stem.slice(at + 1), type };
}

// systemd's unit_name_is_valid(): these characters only, at most 255 bytes (UNIT_NAME_MAX - 1).
const UNIT_NAME_CHARS = /^[A-Za-z0-9:_.\\@-]+$/;
const UNIT_NAME_MAX = 255;

/** Whether systemd would accept `name` as a unit name (a `/` or a space never is). */
export function isValidUnitName(name: string): boolean {
  return name.length <= UNIT_NAME_MAX && UNIT_NAME_CHARS.test(name) && parseUnitName(name) !== undefined;
}

/** `foo@.service` for `foo@bar.service`. */
export function templateOf(u: UnitName): string | undefined {
  return u.instance !== undefined ? `${u.prefix}@.${u.type}` : undefined;
}

/** systemd-escape reversed (unit_name_unescape): `\xNN` decoded; with `path`, `-` first becomes `/`. */
export function unescapeUnitPart(s: string, path = false): string {
  const dashed = path ? s.replace(/-/g, '/') : s;
  return dashed.replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** unit_name_path_unescape: `-` alone is `/`; otherwise unescape and make absolute. */
export function unescapePath(s: string): string {
  if (s === '' || s === '-') return '/';
  const p = unescapeUnitPart(s, true);
  return p.startsWith('/') ? p : '/' + p;
}

/** What the host would have told systemd; filled from files under --root where possible. */
export interface HostIdentity {
  hostname: string;
  machineId: string;
  osId: string;
  osVersionId: string;
}

export interface SpecifierContext {
  unit: UnitName;
  /** Path of the fragment on the converted system (`%y`). */
  fragmentPath: string;
  host: HostIdentity;
}

export interface Expansion {
  text: string;
  /** Specifiers used whose value depends on the running host (guessed). */
  hostDependent: string[];
  /** Unknown specifiers (systemd refuses the setting; we keep the text as written). */
  unknown: string[];
}

// Root-user and fixed values: systemd.unit(5) table, system manager column.
const FIXED: Record<string, string> = {
  t: '/run', // runtime directory of the system manager
  T: '/tmp', // $TMPDIR unset for the system manager
  V: '/var/tmp',
  S: '/var/lib', // state directory
  C: '/var/cache',
  L: '/var/log',
  E: '/etc', // configuration directory
  h: '/root', // home of the manager's user (root)
  u: 'root', // user running the manager (since systemd 249; not User=)
  U: '0',
  g: 'root',
  G: '0',
  s: '/bin/sh', // root's shell as systemd assumes it
};

// Specifiers whose value only the running host knows.
const HOST_DEPENDENT = new Set(['H', 'l', 'q', 'm', 'b', 'v', 'a', 'o', 'w', 'W', 'B', 'M', 'A']);

export function expandSpecifiers(text: string, ctx: SpecifierContext): Expansion {
  const res: Expansion = { text: '', hostDependent: [], unknown: [] };
  if (!text.includes('%')) return { ...res, text };
  const u = ctx.unit;
  const stem = u.instance !== undefined ? `${u.prefix}@${u.instance}` : u.prefix;
  const lastDash = u.prefix.lastIndexOf('-');
  const value = (c: string): string | undefined => {
    if (c in FIXED) return FIXED[c];
    switch (c) {
      case '%': return '%';
      case 'n': return u.name;
      case 'N': return stem;
      case 'p': return u.prefix;
      case 'P': return unescapeUnitPart(u.prefix, true);
      case 'i': return u.instance ?? '';
      case 'I': return unescapeUnitPart(u.instance ?? '', true);
      case 'f': return unescapePath(u.instance !== undefined ? u.instance : u.prefix);
      case 'j': return lastDash === -1 ? u.prefix : u.prefix.slice(lastDash + 1);
      case 'J': return unescapeUnitPart(lastDash === -1 ? u.prefix : u.prefix.slice(lastDash + 1), true);
      case 'd': return `/run/credentials/${u.name}`;
      case 'y': return ctx.fragmentPath;
      case 'Y': return ctx.fragmentPath.slice(0, ctx.fragmentPath.lastIndexOf('/')) || '/';
      case 'H': return ctx.host.hostname;
      case 'q': return ctx.host.hostname;
      case 'l': return ctx.host.hostname.split('.')[0] ?? ctx.host.hostname;
      case 'm': return ctx.host.machineId;
      case 'b': return '00000000000000000000000000000000';
      case 'v': return 'unknown';
      case 'a': return process.arch === 'x64' ? 'x86-64' : process.arch;
      case 'o': return ctx.host.osId;
      case 'w': return ctx.host.osVersionId;
      case 'W': case 'B': case 'M': case 'A': return '';
      default: return undefined;
    }
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== '%' || i + 1 >= text.length) {
      res.text += ch;
      i++;
      continue;
    }
    const c = text[i + 1]!;
    const v = value(c);
    if (v === undefined) {
      res.unknown.push('%' + c);
      res.text += '%' + c;
    } else {
      if (HOST_DEPENDENT.has(c) && !res.hostDependent.includes('%' + c)) res.hostDependent.push('%' + c);
      res.text += v;
    }
    i += 2;
  }
  return res;
}
