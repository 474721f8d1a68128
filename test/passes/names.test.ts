import { describe, expect, it } from 'vitest';
import { cleanName, cleanServiceName, cleanServiceNames } from '../../src/passes/names.js';
import { planConversion } from '../../src/passes/index.js';
import { dep, result, svc as anySvc } from './factory.js';
import type { ServiceSpec } from './factory.js';

/** These cases are about init scripts: a service is a sysvinit script unless it says otherwise. */
const svc = (name: string, spec: ServiceSpec = {}) => anySvc(name, { format: 'sysv', ...spec });
import { codes, contentsOf, depsOf } from './helpers.js';

describe('name cleaning', () => {
  it.each([
    ['a/b', 'a_b'],
    ['line\nbreak', 'line_break'],
    ['tab\there', 'tab_here'],
    ['.hidden', 'svc-.hidden'],
    ['..', 'svc-..'],
    ['', 'svc-unnamed'],
    ['s6rc-foo', 'svc-s6rc-foo'],
    ['s6-rc-foo', 'svc-s6-rc-foo'],
    ['foo@bar', 'foo@bar'],
    ['with space', 'with space'],
    ['ok-name_1', 'ok-name_1'],
  ])('%j -> %j', (input, expected) => {
    expect(cleanServiceName(input)).toBe(expected);
  });

  it('keeps names within NAME_MAX bytes', () => {
    expect(Buffer.byteLength(cleanName('é'.repeat(200)))).toBeLessThanOrEqual(255);
  });

  it('`default` belongs to the boot bundle: a service of that name is renamed', () => {
    expect(cleanServiceName('default')).toBe('svc-default');
    expect(cleanName('default')).toBe('default');
  });

  it('renames are warnings naming the original; references follow the rename', () => {
    const r = cleanServiceNames([svc('s6rc-x'), svc('b', { deps: [dep('requires', 's6rc-x')] })]);
    expect(r.services.map((s) => s.name)).toEqual(['b', 'svc-s6rc-x']);
    expect(r.services[0]!.deps[0]!.target).toBe('svc-s6rc-x');
    const w = r.diagnostics.filter((d) => d.code === 'name-cleaned');
    expect(w).toHaveLength(1);
    expect(w[0]!.severity).toBe('warning');
    expect(w[0]!.message).toContain('"s6rc-x"');
  });

  it('collisions after cleaning: the untouched name wins, the other is dropped with an error', () => {
    const r = cleanServiceNames([svc('a/b'), svc('a_b'), svc('a\nb')]);
    expect(r.services.map((s) => s.name)).toEqual(['a_b']);
    expect(r.services[0]!.sources[0]!.file).toBe('/etc/init.d/a_b');
    const errors = r.diagnostics.filter((d) => d.code === 'name-collision');
    expect(errors.map((e) => e.service).sort()).toEqual(['a\nb', 'a/b']);
    expect(errors.every((e) => e.severity === 'error')).toBe(true);
  });

  it('a bundle whose name a service holds gets a suffix; the service keeps its name', () => {
    const plan = planConversion([result([
      svc('network', { startIn: ['runlevel-2'] }),
      svc('web', { startIn: ['runlevel-2'], deps: [dep('requires', 'network', { facility: true })] }),
    ])]);
    expect(plan.tree.definitions.get('network')!.type).toBe('oneshot');
    expect(depsOf(plan, 'web')).toEqual(['network-facility']);
    // A service named like a facility alias provides it.
    expect(contentsOf(plan, 'network-facility')).toEqual(['network']);
    expect(codes(plan, 'bundle-renamed')).toHaveLength(1);
  });
});
