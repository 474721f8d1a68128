import { describe, expect, it } from 'vitest';
import { planConversion } from '../../src/passes/index.js';
import { dep, host, result, svc } from './factory.js';
import { codes, contentsOf, depsOf } from './helpers.js';

const R2 = ['runlevel-2'];

describe('dependency resolution', () => {
  it('a name a service has -> that service; self-dependencies removed', () => {
    const plan = planConversion([result([svc('a', { startIn: R2, deps: [dep('requires', 'b'), dep('requires', 'a')] }), svc('b')])]);
    expect(depsOf(plan, 'a')).toEqual(['b']);
  });

  it('a provided name -> a bundle of that name containing its providers', () => {
    const plan = planConversion([result([
      svc('openssh', { provides: ['sshd'] }),
      svc('dropbear', { provides: ['sshd'] }),
      svc('x', { deps: [dep('requires', 'sshd')] }),
    ])]);
    expect(depsOf(plan, 'x')).toEqual(['sshd']);
    expect(plan.tree.definitions.get('sshd')!.type).toBe('bundle');
    expect(contentsOf(plan, 'sshd')).toEqual(['dropbear', 'openssh']);
  });

  it('requires on a missing name -> empty bundle and a warning; wants -> dropped with a note', () => {
    const plan = planConversion([result([svc('a', { deps: [dep('requires', 'ghost'), dep('wants', 'phantom')] })])]);
    expect(depsOf(plan, 'a')).toEqual(['ghost']);
    expect(contentsOf(plan, 'ghost')).toEqual([]);
    expect(codes(plan, 'dep-missing')[0]!.severity).toBe('warning');
    expect(plan.tree.definitions.has('phantom')).toBe(false);
    expect(codes(plan, 'dep-absent')[0]!.message).toContain('phantom');
  });

  it('facility bundle: started providers by provides alias, not by a similar name; an empty facility is a warning per dependent', () => {
    const on = { startIn: ['runlevel-2'] };
    const plan = planConversion([result([
      svc('networking', { provides: ['networking'], ...on }),
      svc('net.eth0', { provides: ['net'], ...on }),
      svc('rsyslog', { provides: ['syslog'], ...on }),
      svc('syslog-ng', { provides: ['syslog'] }),
      svc('app', { deps: [dep('requires', 'network', { facility: true }), dep('requires', 'time', { facility: true }), dep('wants', 'syslog', { facility: true })] }),
      svc('other', { deps: [dep('requires', 'time', { facility: true })] }),
    ])]);
    expect(depsOf(plan, 'app')).toEqual(['network', 'syslog', 'time']);
    expect(contentsOf(plan, 'network')).toEqual(['net.eth0']);
    // syslog-ng is installed but not started: not part of the facility, with a note.
    expect(contentsOf(plan, 'syslog')).toEqual(['rsyslog']);
    expect(codes(plan, 'facility-provider-not-started').map((d) => d.message)).toEqual([expect.stringContaining('syslog-ng provides it')]);
    expect(contentsOf(plan, 'time')).toEqual([]);
    // Same level as a missing service, once per dependent.
    expect(codes(plan, 'dep-missing').map((d) => [d.severity, d.service])).toEqual([['warning', 'app'], ['warning', 'other']]);
  });

  it('facility references in any spelling meet in one bundle', () => {
    const plan = planConversion([result([
      svc('a', { deps: [dep('requires', '$network', { facility: true }), dep('requires', 'net'), dep('requires', 'network-online.target')] }),
    ])]);
    expect(depsOf(plan, 'a')).toEqual(['network']);
  });

  it('insserv members: plain, optional, nested facility; a service named like an alias joins', () => {
    const o = { file: '/etc/insserv.conf', line: 7 };
    const h = host({ facilityMembers: {
      network: [{ name: 'networking', optional: false, origin: o }, { name: 'ifupdown', optional: false, origin: o }],
      named: [{ name: 'bind9', optional: true, origin: o }, { name: '$network', optional: false, origin: o }],
      portmap: [{ name: 'portmap', optional: true, origin: o }],
    } });
    const plan = planConversion([result([
      svc('networking', { startIn: ['runlevel-2'] }),
      svc('rpcbind', { startIn: ['runlevel-2'] }),
      svc('app', { deps: [dep('requires', 'named', { facility: true }), dep('requires', 'portmap', { facility: true })] }),
    ], h)]);
    expect(contentsOf(plan, 'network')).toEqual(['networking']);
    expect(contentsOf(plan, 'named')).toEqual(['network']);
    expect(contentsOf(plan, 'portmap')).toEqual(['rpcbind']);
    // ifupdown is not installed and not optional: a note; bind9 is optional: silent.
    const missing = codes(plan, 'facility-member-missing');
    expect(missing.map((d) => d.message)).toEqual([expect.stringContaining('"ifupdown"')]);
    expect(missing[0]!.line).toBe(7);
  });

  it('systemd: WantedBy= a facility target or Wants+Before it makes a provider', () => {
    const plan = planConversion([result([
      svc('wait-online', { format: 'systemd', startIn: ['network-online'] }),
      svc('NetworkManager', { format: 'systemd', startIn: ['multi-user'],
        deps: [dep('wants', 'network', { facility: true }), dep('before', 'network', { facility: true })] }),
      svc('ifup-pre', { format: 'systemd', startIn: ['multi-user'], deps: [dep('before', 'network', { facility: true })] }),
      svc('app', { format: 'systemd', startIn: ['multi-user'], deps: [dep('after', 'network', { facility: true }), dep('wants', 'network', { facility: true })] }),
    ])]);
    expect(contentsOf(plan, 'network')).toEqual(['NetworkManager', 'wait-online']);
    // A provider's own Wants/Before on its target is membership, not a dependency.
    expect(depsOf(plan, 'NetworkManager')).toEqual(['ifup-pre']);
    expect(depsOf(plan, 'app')).toEqual(['network']);
  });

  it('order-only edges are kept only towards services started wherever the dependent is', () => {
    const plan = planConversion([result([
      svc('everywhere', { startIn: ['runlevel-2', 'runlevel-3'] }),
      svc('only3', { startIn: ['runlevel-3'] }),
      svc('nowhere'),
      svc('a', { startIn: ['runlevel-2'], deps: [dep('after', 'everywhere'), dep('after', 'only3'), dep('after', 'nowhere')] }),
    ])]);
    expect(depsOf(plan, 'a')).toEqual(['everywhere']);
    const dropped = codes(plan, 'dep-order-dropped').map((d) => d.message);
    expect(dropped).toHaveLength(2);
    expect(dropped.join('\n')).toContain('only3');
    expect(dropped.join('\n')).toContain('nowhere');
  });

  it('Should-Start / OpenRC use order against a service started anyway, and never enable one', () => {
    const should = (target: string) => ({ ...dep('wants', target), ifStarted: true });
    const plan = planConversion([result([
      svc('syslogd', { startIn: R2 }),
      svc('disabled'),
      svc('mountall', { startIn: ['runlevel-S'] }),
      svc('app', { startIn: R2, deps: [should('syslogd'), should('disabled'), should('mountall')] }),
      svc('pulls', { format: 'systemd', startIn: ['multi-user'], deps: [dep('wants', 'disabled')] }),
    ])]);
    // runlevel S runs before every other runlevel, so mountall is started wherever app is.
    expect(depsOf(plan, 'app')).toEqual(['mountall', 'syslogd']);
    expect(codes(plan, 'dep-order-dropped').map((d) => d.message).join('\n')).toContain('disabled');
    // systemd Wants= does pull its target in.
    expect(depsOf(plan, 'pulls')).toEqual(['disabled']);
  });

  it('a service started nowhere gets no order edges (they would start the target with it)', () => {
    const plan = planConversion([result([svc('b', { startIn: R2 }), svc('a', { deps: [dep('after', 'b')] })])]);
    expect(depsOf(plan, 'a')).toEqual([]);
  });

  it('X-Start-Before is turned around: the target depends on this service', () => {
    const plan = planConversion([result([
      svc('early', { startIn: R2, deps: [dep('before', 'late'), dep('before', 'elsewhere')] }),
      svc('late', { startIn: R2 }),
      svc('elsewhere', { startIn: ['runlevel-3'] }),
    ])]);
    expect(depsOf(plan, 'late')).toEqual(['early']);
    expect(depsOf(plan, 'early')).toEqual([]);
    expect(depsOf(plan, 'elsewhere')).toEqual([]);
    expect(codes(plan, 'dep-order-dropped').map((d) => d.message).join()).toContain('elsewhere');
  });

  it('conflicts and stop-only references are notes', () => {
    const plan = planConversion([result([
      svc('b'),
      svc('a', { deps: [dep('conflicts', 'b'), dep('requires', 'b', { phase: 'stop' }), dep('requires', 'c', { phase: 'stop' })] }),
    ])]);
    expect(depsOf(plan, 'a')).toEqual([]);
    expect(codes(plan, 'dep-conflicts')).toHaveLength(1);
    expect(codes(plan, 'dep-stop-only')[0]!.message).toContain('"b", "c"');
  });

  it('a dependency on a service without a wrapper is dropped with a warning, the rest is emitted', () => {
    const broken = svc('broken', { wrapper: null });
    broken.findings.push({ code: 'no-start', message: 'no start command found', origin: { file: '/etc/init.d/broken', line: 3 } });
    const plan = planConversion([result([broken, svc('a', { startIn: R2, deps: [dep('requires', 'broken'), dep('requires', 'b')] }), svc('b', { startIn: R2 })])]);
    expect(plan.tree.definitions.has('broken')).toBe(false);
    expect(depsOf(plan, 'a')).toEqual(['b']);
    expect(codes(plan, 'service-not-converted')[0]!.message).toContain('no start command found');
    expect(codes(plan, 'dep-not-converted').map((d) => d.severity)).toContain('warning');
    // Never a dangling name anywhere in the tree.
    const names = new Set(plan.tree.definitions.keys());
    for (const d of plan.tree.definitions.values()) for (const n of [...d.dependencies, ...d.contents]) expect(names.has(n)).toBe(true);
  });
});
