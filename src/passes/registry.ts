/**
 * What the passes share while they build the dependency graph: the services by name, who provides which
 * name, and the bundles created so far (keyed by the name they want; the final name is given at the end,
 * when every service name is known, see `finalize.ts`).
 *
 * A graph node is a service or a bundle; both live in one string key so sets and maps work on them.
 */
import { cmp, type Diagnostic } from '../model/diagnostic.js';
import { FACILITIES } from '../model/facilities.js';
import { targetBundle } from '../model/naming.js';
import type { Origin, Service } from '../model/service.js';

export type NodeKey = string;
const SVC = 's\0';
const BUNDLE = 'b\0';
export const serviceNode = (name: string): NodeKey => SVC + name;
export const bundleNode = (wanted: string): NodeKey => BUNDLE + wanted;
export function parseNode(key: NodeKey): { kind: 'service' | 'bundle'; name: string } {
  return { kind: key.startsWith(SVC) ? 'service' : 'bundle', name: key.slice(2) };
}

export interface PendingBundle {
  wanted: string;
  /** Suffix used when a service already has the wanted name. */
  suffix: '-facility' | '-bundle';
  reason: string;
  members: Set<NodeKey>;
  /** Diagnostics that only matter if the bundle ends up in the tree. */
  notes: Diagnostic[];
  /** Where the bundle was first asked for (for the note on an empty one). */
  origin?: Origin;
}

/** Strength of an edge, weakest first: cycle breaking removes the weakest. */
export type Strength = 'order' | 'wants' | 'requires';
export const STRENGTH_RANK: Record<Strength, number> = { order: 0, wants: 1, requires: 2 };

/** A dependency in the s6-rc sense: `from` will not start before `to`. */
export interface Edge {
  from: string;
  to: NodeKey;
  strength: Strength;
  origin: Origin;
  /** The reference as the source wrote it, for messages. */
  why: string;
}

/** Every spelling that names a facility -> its canonical (bundle) name. */
export function facilityAliasTable(extraFacilities: readonly string[]): Map<string, string> {
  const table = new Map<string, string>();
  for (const f of FACILITIES) {
    const names = [f.name, ...f.lsb, ...f.openrc, ...f.systemd];
    // A unit is also known without its suffix (`syslog.service` -> `syslog`, `time-sync.target` -> `time-sync`).
    for (const u of f.systemd) names.push(u.endsWith('.target') ? targetBundle(u) : u.replace(/\.service$/, ''));
    for (const n of names) if (!table.has(n)) table.set(n, f.name);
  }
  // Facilities only /etc/insserv.conf knows (`$foo`), named without the `$`.
  for (const key of extraFacilities) {
    const name = facilityKey(key, table);
    for (const n of [name, `$${name}`]) if (!table.has(n)) table.set(n, name);
  }
  return table;
}

/** `$network` / `network` -> canonical name, for keys of `HostFacts.facilityMembers`. */
export function facilityKey(key: string, table: ReadonlyMap<string, string>): string {
  return table.get(key) ?? table.get(`$${key}`) ?? (key.startsWith('$') ? key.slice(1) : key);
}

/**
 * Start bundles every boot goes through first (Debian Policy 9.3: rcS.d; openrc(8): sysinit), and
 * OpenRC's boot runlevel, part of every other runlevel (librc's valid_service() accepts a service of the
 * boot level for `use`/`after` from any level but sysinit).
 */
const EARLY_LEVELS = ['runlevel-S', 'runlevel-sysinit', 'runlevel-boot'];

export class Registry {
  readonly services = new Map<string, Service>();
  /** Provided name -> names of the services providing it, sorted. */
  readonly providers = new Map<string, string[]>();
  readonly bundles = new Map<string, PendingBundle>();
  readonly aliases: Map<string, string>;
  /** Service -> the start bundles (runlevels, targets, `default`) it is started in. */
  readonly startSets = new Map<string, Set<string>>();

  constructor(services: readonly Service[], extraFacilities: readonly string[]) {
    this.aliases = facilityAliasTable(extraFacilities);
    for (const s of services) {
      this.services.set(s.name, s);
      for (const p of s.provides) {
        const list = this.providers.get(p) ?? [];
        list.push(s.name);
        this.providers.set(p, list.sort(cmp));
      }
      this.startSets.set(s.name, new Set(s.startIn.filter((b) => !this.aliases.has(b))));
    }
  }

  /**
   * The services an LSB name (a header's or insserv.conf's) stands for. LSB names are `Provides:` names
   * (LSB 3.1, 20.6), not file names: the providers win over a service that merely has that name, such as
   * a masked `checkroot.service` beside checkroot.sh on a sysvinit host.
   */
  lsbNamed(name: string): string[] {
    return this.providers.get(name) ?? (this.services.has(name) ? [name] : []);
  }

  ensureBundle(wanted: string, suffix: PendingBundle['suffix'], reason: string, origin?: Origin): PendingBundle {
    let b = this.bundles.get(wanted);
    if (!b) {
      b = { wanted, suffix, reason, members: new Set(), notes: [] };
      this.bundles.set(wanted, b);
    }
    if (origin && !b.origin) b.origin = origin;
    return b;
  }

  /** The services a node stands for: itself, or every service inside a bundle (nested bundles followed). */
  atomsOf(node: NodeKey): Set<string> {
    const out = new Set<string>();
    const seen = new Set<NodeKey>();
    const walk = (k: NodeKey) => {
      if (seen.has(k)) return;
      seen.add(k);
      const { kind, name } = parseNode(k);
      if (kind === 'service') out.add(name);
      else for (const m of this.bundles.get(name)?.members ?? []) walk(m);
    };
    walk(node);
    return out;
  }

  /** True when `target` will already be started everywhere `dependent` is (never pull a service in). */
  startedWherever(target: string, dependent: string): boolean {
    const where = this.startSets.get(dependent) ?? new Set<string>();
    const there = this.startSets.get(target) ?? new Set<string>();
    if (where.size === 0) return false;
    // Boot always passes through runlevel S (sysvinit) and sysinit (OpenRC) before any other level.
    if (EARLY_LEVELS.some((b) => there.has(b))) return true;
    for (const b of where) if (!there.has(b)) return false;
    return true;
  }
}
