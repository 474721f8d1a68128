/**
 * OpenRC's choice of provider for a virtual name (`need net`, `use logger`, `need clock`), as librc
 * makes it at boot (librc-depend.c get_provided(), with rc's RC_DEP_STRICT | RC_DEP_START; rc_depend_strict
 * only matters when nothing is in the runlevel, and at boot nothing else is started yet):
 * 1. the providers in the runlevel being entered or in the boot runlevel: all of them;
 * 2. else the providers already started (those of an earlier runlevel, sysinit before boot before the
 *    others): the one, or, when several are, none (the need is already met: order only);
 * 3. else the first provider in its dependency cache, which gendepends.sh fills in /etc/init.d name
 *    order: an arbitrary pick, said in a note.
 * A name that is itself a service is never virtual. Each reference gets `providers`, what it means on
 * this host; the dependency pass then links exactly those services.
 */
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import { facilityByName } from '../model/facilities.js';
import { OPENRC_BOOT_LEVELS } from '../model/naming.js';
import type { DepRef, HostFacts, Service } from '../model/service.js';
import { OPENRC_STOP_LEVELS } from '../../importers/openrc/runlevels.js';

const BOOT_LEVEL = 'boot';

/** Runlevels in the order OpenRC enters them at boot: sysinit, boot, then the others by name. */
function levelOrder(levels: readonly string[]): string[] {
  const early = OPENRC_BOOT_LEVELS.filter((l) => l !== 'default') as string[];
  return [...early.filter((l) => levels.includes(l)), ...levels.filter((l) => !early.includes(l)).sort(cmp)];
}

export function chooseOpenrcProviders(services: readonly Service[], host: HostFacts, diagnostics: Diagnostic[]): Service[] {
  const runlevels = Object.entries(host.openrcRunlevels ?? {}).filter(([l]) => !OPENRC_STOP_LEVELS.has(l));
  const order = levelOrder(runlevels.map(([l]) => l));
  const members = new Map(runlevels.map(([l, names]) => [l, new Set(names)]));
  const names = new Set(services.map((s) => s.name));
  const inLevel = (svc: string, level: string) => members.get(level)?.has(svc) ?? false;
  /** The level a service is first started in at boot (its context for choosing providers). */
  const firstLevel = (svc: string) => order.find((l) => inLevel(svc, l)) ?? 'default';
  /** Provided name -> providers in /etc/init.d name order (gendepends.sh's). */
  const providersOf = new Map<string, string[]>();
  for (const s of [...services].sort((a, b) => cmp(a.name, b.name))) {
    for (const p of s.provides) providersOf.set(p, [...(providersOf.get(p) ?? []), s.name]);
  }

  /** `direct`: the name is a service (never virtual); `virtual`: who provides it; undefined: neither. */
  const candidates = (d: DepRef): { direct: string[] } | { virtual: string[] } | undefined => {
    const spellings = d.facility ? facilityByName(d.target)?.openrc ?? [d.target] : [d.target];
    const direct = spellings.filter((n) => names.has(n));
    if (direct.length > 0) return d.facility ? { direct } : undefined;
    const found = [...new Set(spellings.flatMap((n) => providersOf.get(n) ?? []))];
    return found.length > 0 ? { virtual: found } : undefined;
  };

  return services.map((s) => {
    if (s.format !== 'openrc') return s;
    const level = firstLevel(s.name);
    const earlier = order.slice(0, Math.max(0, order.indexOf(level)));
    let changed = false;
    const deps = s.deps.map((d): DepRef => {
      if (d.phase === 'stop' || d.kind === 'conflicts' || d.kind === 'before') return d;
      const found = candidates(d);
      if (!found) return d;
      changed = true;
      if ('direct' in found) return { ...d, providers: found.direct };
      const cands = found.virtual;
      const here = cands.filter((c) => inLevel(c, level) || inLevel(c, BOOT_LEVEL));
      if (here.length > 0) return { ...d, providers: here };
      const started = cands.filter((c) => earlier.some((l) => inLevel(c, l)));
      if (started.length === 1) return { ...d, providers: started };
      // Several already started: librc returns none, the need is met; keep the order after them.
      if (started.length > 1) return { ...d, providers: started, ifStarted: true, ...(d.kind === 'requires' ? { kind: 'wants' as const } : {}) };
      // use/after only take a provider that is started anyway: none is, nothing to order against.
      if (d.kind === 'after' || d.ifStarted) return { ...d, providers: [] };
      const first = cands[0]!;
      diagnostics.push(diag('note', 'openrc-provider-arbitrary', d.origin.file, d.origin.line,
        `${s.name}: ${d.kind === 'requires' ? 'need' : 'want'} ${d.facility ? facilityByName(d.target)?.openrc[0] ?? d.target : d.target}: no provider (${cands.join(', ')}) is in runlevel ${level} or boot, or started earlier; OpenRC then takes the first in its dependency cache, ${first}, and so does the conversion`, s.name));
      return { ...d, providers: [first] };
    });
    return changed ? { ...s, deps } : s;
  });
}

