import { describe, expect, it } from 'vitest';
import { planConversion } from '../../src/passes/index.js';
import type { ImportResult } from '../../src/model/service.js';
import { dep, host, resetLines, result, svc as anySvc } from './factory.js';
import type { ServiceSpec } from './factory.js';

/** These cases are about init scripts: a service is a sysvinit script unless it says otherwise. */
const svc = (name: string, spec: ServiceSpec = {}) => anySvc(name, { format: 'sysv', ...spec });

function sample(): ImportResult[] {
  resetLines();
  const o = { file: '/etc/insserv.conf', line: 2 };
  return [
    result([
      svc('networking', { startIn: ['runlevel-S'], provides: ['ifupdown'] }),
      svc('rsyslog', { startIn: ['runlevel-2', 'runlevel-3'], provides: ['syslog'], deps: [dep('requires', 'remote-fs', { facility: true })] }),
      svc('ssh', { startIn: ['runlevel-2'], deps: [dep('requires', 'network', { facility: true }), dep('wants', 'syslog', { facility: true }), dep('before', 'cron')] }),
      svc('cron', { startIn: ['runlevel-2'], deps: [dep('after', 'ssh'), dep('requires', 'ghost')] }),
      svc('s6rc-bad', { startIn: ['runlevel-2'] }),
      svc('loop1', { deps: [dep('requires', 'loop2')] }),
      svc('loop2', { deps: [dep('requires', 'loop1')] }),
    ], host({ facilityMembers: { network: [{ name: 'networking', optional: false, origin: o }] } })),
    result([
      svc('ssh', { format: 'systemd', startIn: ['multi-user'], wrapper: { kind: 'longrun', run: ['/usr/sbin/sshd', '-D'] } }),
      svc('web', { format: 'systemd', startIn: ['multi-user'], deps: [dep('after', 'network', { facility: true })], wrapper: { kind: 'longrun', run: ['/usr/bin/web'] } }),
    ]),
  ];
}

function shuffle<T>(xs: T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function shuffled(seed: number): ImportResult[] {
  return shuffle(sample(), seed).map((r) => ({ ...r, services: shuffle(r.services, seed + 1).map((s) => ({ ...s, deps: shuffle(s.deps, seed + 2), startIn: shuffle(s.startIn, seed + 3) })) }));
}

const snapshot = (rs: ImportResult[]) => {
  const p = planConversion(rs);
  // The model keeps each service's references in source order; everything derived from them must not care.
  return JSON.stringify({ tree: [...p.tree.definitions.entries()], diagnostics: p.diagnostics, deps: p.services.map((s) => [s.name, s.s6Dependencies, s.startIn]), host: p.host });
};

describe('determinism', () => {
  it('same input in any order gives the identical tree, model and diagnostics', () => {
    const reference = snapshot(sample());
    for (let seed = 1; seed < 12; seed++) expect(snapshot(shuffled(seed))).toBe(reference);
  });
});
