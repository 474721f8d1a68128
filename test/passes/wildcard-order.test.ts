import { describe, expect, it } from 'vitest';
import { EVERY_SERVICE } from '../../src/model/facilities.js';
import { planConversion } from '../../src/passes/index.js';
import { dep, result, svc } from './factory.js';
import { codes, depsOf } from './helpers.js';

const R2 = ['runlevel-2'];
const everything = () => dep('after', EVERY_SERVICE);

describe('after every other service ($all, after *)', () => {
  it('orders after the latest services started wherever it is, never pulling one in', () => {
    const plan = planConversion([result([
      svc('rc.local', { startIn: R2, deps: [everything()] }),
      svc('net', { startIn: R2 }),
      svc('web', { startIn: R2, deps: [dep('requires', 'net')] }),
      svc('cron', { startIn: ['runlevel-2', 'runlevel-3'] }),
      svc('only-in-3', { startIn: ['runlevel-3'] }),
    ])]);
    // net is reached through web; only-in-3 is not started in runlevel 2.
    expect(depsOf(plan, 'rc.local')).toEqual(['cron', 'web']);
    const note = codes(plan, 'dep-after-everything')[0]!;
    expect(note.message).toContain('ordered after 2 services (cron, web)');
  });

  it('skips services that come after it, and other "after everything" services (no cycle)', () => {
    const plan = planConversion([result([
      svc('rc.local', { startIn: R2, deps: [everything()] }),
      svc('rmnologin', { startIn: R2, deps: [everything()] }),
      svc('late', { startIn: R2, deps: [dep('after', 'rc.local')] }),
      svc('sshd', { startIn: R2 }),
    ])]);
    expect(depsOf(plan, 'rc.local')).toEqual(['sshd']);
    // late is not an "after everything" service, so rmnologin still comes after it.
    expect(depsOf(plan, 'rmnologin')).toEqual(['late', 'sshd']);
    expect(depsOf(plan, 'late')).toEqual(['rc.local']);
    expect(codes(plan, 'dep-cycle-broken')).toEqual([]);
  });

  it('a service started nowhere gets no edges, with a note', () => {
    const plan = planConversion([result([svc('lonely', { deps: [everything()] }), svc('x', { startIn: R2 })])]);
    expect(depsOf(plan, 'lonely')).toEqual([]);
    expect(codes(plan, 'dep-after-everything')[0]!.message).toContain('nothing else is started wherever lonely is');
  });
});

const first = () => dep('before', EVERY_SERVICE);

describe('before every other service (OpenRC before *)', () => {
  it('the earliest services started with it depend on it; the rest follow through them', () => {
    const plan = planConversion([result([
      svc('devfs', { startIn: R2, deps: [first()] }),
      svc('net', { startIn: R2 }),
      svc('web', { startIn: R2, deps: [dep('requires', 'net')] }),
      svc('cron', { startIn: R2 }),
      svc('only-in-3', { startIn: ['runlevel-3'] }),
    ])]);
    // web comes after net, so through net; only-in-3 starts where devfs does not (an edge would pull it in).
    expect(depsOf(plan, 'net')).toEqual(['devfs']);
    expect(depsOf(plan, 'cron')).toEqual(['devfs']);
    expect(depsOf(plan, 'web')).toEqual(['net']);
    expect(depsOf(plan, 'only-in-3')).toEqual([]);
    expect(depsOf(plan, 'devfs')).toEqual([]);
    expect(codes(plan, 'dep-before-everything')[0]!.message).toContain('2 services (cron, net) depend on it');
  });

  it('skips what it comes after and other "before everything" services; no cycle with "after everything"', () => {
    const plan = planConversion([result([
      svc('devfs', { startIn: R2, deps: [first(), dep('after', 'early')] }),
      svc('sysfs', { startIn: R2, deps: [first()] }),
      svc('early', { startIn: R2 }),
      svc('rc.local', { startIn: R2, deps: [everything()] }),
      svc('sshd', { startIn: R2 }),
    ])]);
    expect(depsOf(plan, 'devfs')).toEqual(['early']);
    expect(depsOf(plan, 'sshd')).toEqual(['devfs', 'sysfs']);
    expect(depsOf(plan, 'early')).toEqual(['sysfs']);
    expect(codes(plan, 'dep-cycle-broken')).toEqual([]);
  });
});
