/**
 * Names pass: every service name must be a valid s6-rc name (reference §2.1, issue 5). s6-rc-compile
 * rejects a name with LF or a reserved prefix, a `/` cannot be a directory entry, a leading `.` hides the
 * definition, and NAME_MAX is 255 bytes. Cleaning is deterministic; a rename is a warning naming the
 * original; two services that clean to one name keep the first (an untouched name first, then byte order)
 * and the second is dropped with an error. References (dependency targets, provided names, bundles) are
 * rewritten with the same function so they still meet.
 */
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import { DEFAULT_BUNDLE, RESERVED_PREFIXES } from '../model/naming.js';
import type { Service } from '../model/service.js';
import { sourceFile } from './merge.js';

/** Prefix that makes a hidden or reserved name visible and allowed. */
export const RENAME_PREFIX = 'svc-';
const NAME_MAX_BYTES = 255;

/**
 * Names a service may not take even though s6-rc accepts them: `default` is the bundle booted by
 * `s6-rc -u change default`, a convention the whole tool relies on.
 */
const TAKEN_BY_TOOL = new Set([DEFAULT_BUNDLE]);

/** The s6-rc name of a service: a valid name that is not one the tool keeps for itself. */
export function cleanServiceName(name: string): string {
  const out = cleanName(name);
  return TAKEN_BY_TOOL.has(out) ? RENAME_PREFIX + out : out;
}

/** Names repeat (every dependency, provide and bundle reference); cleaning is pure, so once each. */
const cleanedNames = new Map<string, string>();

/** Returns a valid s6-rc name for `name` (the same string when it already is one). */
export function cleanName(name: string): string {
  let out = cleanedNames.get(name);
  if (out === undefined) {
    out = cleanNameUncached(name);
    cleanedNames.set(name, out);
  }
  return out;
}

function cleanNameUncached(name: string): string {
  // `/` cannot be in a directory entry; LF is fatal; other control bytes break listings and scripts.
  // eslint-disable-next-line no-control-regex
  let out = name.replace(/[\x00-\x1f\x7f/]/g, '_');
  if (out === '') out = `${RENAME_PREFIX}unnamed`;
  if (out.startsWith('.') || RESERVED_PREFIXES.some((p) => out.startsWith(p))) {
    out = RENAME_PREFIX + out;
  }
  while (Buffer.byteLength(out) > NAME_MAX_BYTES) out = [...out].slice(0, -1).join('');
  return out;
}

export interface NamesResult {
  services: Service[];
  diagnostics: Diagnostic[];
  /** Original name -> new name, for every service that was renamed. */
  renamed: Map<string, string>;
}

export function cleanServiceNames(input: readonly Service[]): NamesResult {
  const diagnostics: Diagnostic[] = [];
  const renamed = new Map<string, string>();
  // Untouched names claim theirs first, so a clean name never loses to a cleaned one.
  const cleaned = new Map(input.map((s) => [s.name, cleanServiceName(s.name)]));
  const changed = (s: Service) => Number(cleaned.get(s.name) !== s.name);
  const order = [...input].sort((a, b) => changed(a) - changed(b) || cmp(a.name, b.name));
  const taken = new Map<string, string>();
  const kept: Service[] = [];
  for (const s of order) {
    const clean = cleaned.get(s.name)!;
    const holder = taken.get(clean);
    if (holder !== undefined) {
      diagnostics.push(diag('error', 'name-collision', sourceFile(s), undefined,
        `service ${JSON.stringify(s.name)} is not converted: its s6-rc name ${JSON.stringify(clean)} is already used by ${JSON.stringify(holder)}`,
        s.name));
      continue;
    }
    taken.set(clean, s.name);
    if (clean !== s.name) {
      renamed.set(s.name, clean);
      diagnostics.push(diag('warning', 'name-cleaned', sourceFile(s), undefined,
        `service ${JSON.stringify(s.name)} is named ${JSON.stringify(clean)} in s6-rc: s6-rc names cannot contain '/' or control characters, start with '.', or start with ${RESERVED_PREFIXES.join(' or ')}` +
        (TAKEN_BY_TOOL.has(s.name) ? `, and ${JSON.stringify(DEFAULT_BUNDLE)} is the bundle s6-rc boots` : ''),
        s.name));
    }
    kept.push(s);
  }
  const refName = (n: string) => renamed.get(n) ?? cleanName(n);
  const services = kept
    .map((s): Service => ({
      ...s,
      name: refName(s.name),
      provides: [...new Set(s.provides.map(refName))].filter((p) => p !== refName(s.name)).sort(cmp),
      // Facility targets are canonical names from the table; everything else may name a renamed service.
      deps: s.deps.map((d) => {
        const named = d.facility || d.target.startsWith('$') ? d : { ...d, target: refName(d.target) };
        return d.providers ? { ...named, providers: d.providers.map(refName) } : named;
      }),
      startIn: [...new Set(s.startIn.map(cleanName))].sort(cmp),
    }))
    .sort((a, b) => cmp(a.name, b.name));
  return { services, diagnostics, renamed };
}

/**
 * The name a bundle gets: its wanted name, unless a service or an earlier bundle holds it; then a
 * suffix (`-facility` for facilities, `-bundle` otherwise) and, if need be, a number.
 */
export function bundleName(wanted: string, suffix: '-facility' | '-bundle', taken: ReadonlySet<string>): string {
  const base = cleanName(wanted);
  if (!taken.has(base)) return base;
  let candidate = base + suffix;
  for (let i = 2; taken.has(candidate); i++) candidate = `${base}${suffix}-${i}`;
  return candidate;
}
