/**
 * Facility bundles: a virtual facility (`$network`, OpenRC `net`, `network.target`, ...) becomes a
 * bundle named by its canonical name whose contents are the services that provide it on this host.
 * Membership comes from (each rule says where the convention is documented):
 * - a provided name (LSB `Provides`, OpenRC `provide`, systemd `Alias=`) or the service's own name equal
 *   to one of the facility's spellings (`provide net`, a service called `rpcbind`); a script providing
 *   `networking` is NOT `$network` by itself (LSB 3.1 §20.6: facilities are defined by the system);
 * - /etc/insserv.conf lines (`$network networking ifupdown`; `+x` optional; `$x` nests facility x);
 * - systemd units started by the facility's target (`WantedBy=network-online.target`), or providing it
 *   the way systemd.special(7) prescribes for passive targets: `Wants=` plus `Before=` the target.
 */
import { diag, type Diagnostic } from '../model/diagnostic.js';
import type { HostFacts, Origin, Service } from '../model/service.js';
import { sourceFile } from './merge.js';
import { bundleNode, facilityKey, parseNode, serviceNode, type PendingBundle, type Registry } from './registry.js';

/** `origin`: the first file that makes the facility (a member's script or unit, an insserv.conf line). */
function facilityBundle(reg: Registry, name: string, origin?: Origin): PendingBundle {
  return reg.ensureBundle(name, '-facility', `facility ${name}`, origin);
}

/** Facilities a service belongs to through its own name, provided names, targets or Wants+Before. */
function facilitiesOf(reg: Registry, s: Service): Set<string> {
  const out = new Set<string>();
  for (const n of [s.name, ...s.provides, ...s.startIn]) {
    const f = reg.aliases.get(n);
    if (f !== undefined) out.add(f);
  }
  if (s.format === 'systemd') {
    const key = (t: string) => facilityKey(t, reg.aliases);
    const pulls = new Set(s.deps.filter((d) => d.facility && (d.kind === 'wants' || d.kind === 'requires')).map((d) => key(d.target)));
    for (const d of s.deps) if (d.facility && d.kind === 'before' && pulls.has(key(d.target))) out.add(key(d.target));
  }
  return out;
}

/**
 * Only a provider the host starts stands for a facility (issue 11): LSB facilities follow the enabled
 * rc?.d links, a systemd target pulls only what is linked to it, OpenRC picks among the providers in the
 * runlevel (its own choice, src/passes/openrc-providers.ts, replaces the bundle for OpenRC references).
 * An installed provider the host does not start would otherwise be pulled in by every dependent.
 */
function started(s: Service): boolean {
  // An enabled unit's alias stands for it (graphical.target wants display-manager.service, an alias link).
  return s.startIn.length > 0 || (s.format === 'systemd' && s.enabled?.value === true);
}

export function addFacilityBundles(reg: Registry, host: HostFacts, diagnostics: Diagnostic[]): void {
  const nestedOrigin = new Map<string, Origin>();
  const idle = new Map<string, string[]>();
  for (const s of reg.services.values()) {
    for (const f of facilitiesOf(reg, s)) {
      const bundle = facilityBundle(reg, f, { file: sourceFile(s) });
      if (started(s)) bundle.members.add(serviceNode(s.name));
      else idle.set(f, [...(idle.get(f) ?? []), s.name]);
    }
  }
  const keys = Object.keys(host.facilityMembers).sort();
  for (const key of keys) {
    const name = facilityKey(key, reg.aliases);
    const members = host.facilityMembers[key] ?? [];
    const bundle = facilityBundle(reg, name, members[0]?.origin);
    for (const m of members) {
      const member = m.name.replace(/^\+/, '');
      if (member.startsWith('$')) {
        const nested = facilityKey(member, reg.aliases);
        if (nested !== name) {
          facilityBundle(reg, nested, m.origin);
          bundle.members.add(bundleNode(nested));
          if (!nestedOrigin.has(`${name}\0${nested}`)) nestedOrigin.set(`${name}\0${nested}`, m.origin);
        }
        continue;
      }
      const owners = reg.lsbNamed(member);
      for (const o of owners) {
        if (started(reg.services.get(o)!)) bundle.members.add(serviceNode(o));
        else idle.set(name, [...(idle.get(name) ?? []), o]);
      }
      if (owners.length === 0 && !m.optional) {
        bundle.notes.push(diag('note', 'facility-member-missing', m.origin.file, m.origin.line,
          `facility ${name}: member ${JSON.stringify(member)} from ${m.origin.file} is not installed on this host`));
      }
    }
  }
  for (const [f, names] of idle) {
    const bundle = reg.bundles.get(f)!;
    const left = [...new Set(names)].filter((n) => !bundle.members.has(serviceNode(n))).sort();
    if (left.length === 0) continue;
    bundle.notes.push(diag('note', 'facility-provider-not-started', sourceFile(reg.services.get(left[0]!)!), undefined,
      `facility ${f}: ${left.join(', ')} ${left.length > 1 ? 'provide' : 'provides'} it but the host does not start ${left.length > 1 ? 'them' : 'it'}; not part of the facility (a dependent would pull ${left.length > 1 ? 'them' : 'it'} in)`));
  }
  breakBundleCycles(reg, nestedOrigin, diagnostics);
}

/** Nested facilities (`$named` containing `$network`) could loop; s6-rc-compile rejects bundle cycles. */
function breakBundleCycles(reg: Registry, origins: Map<string, Origin>, diagnostics: Diagnostic[]): void {
  const names = [...reg.bundles.keys()].sort();
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (name: string) => {
    state.set(name, 'open');
    path.push(name);
    const bundle = reg.bundles.get(name)!;
    for (const m of [...bundle.members].sort()) {
      const { kind, name: child } = parseNode(m);
      if (kind !== 'bundle' || !reg.bundles.has(child)) continue;
      const st = state.get(child);
      if (st === 'open') {
        const cycle = [...path.slice(path.indexOf(child)), child];
        bundle.members.delete(m);
        // Every nesting comes from an insserv.conf line (the only source of nested facilities).
        const origin = origins.get(`${name}\0${child}`) ?? bundle.origin ?? { file: name };
        diagnostics.push(diag('warning', 'bundle-cycle-broken', origin.file, origin.line,
          `bundle cycle ${cycle.join(' -> ')}: ${name} no longer contains ${child}`));
      } else if (st === undefined) visit(child);
    }
    path.pop();
    state.set(name, 'done');
  };
  for (const n of names) if (!state.has(n)) visit(n);
}
