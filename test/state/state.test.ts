import { describe, expect, it } from 'vitest';
import { emptyState, parseModel, parseState, progress, renderProgress, renderState, type MigrationState } from '../../src/state/state.js';

describe('migration state file', () => {
  it('round-trips and renders keys in byte order regardless of insertion order', () => {
    const a: MigrationState = { version: 1, services: { zeta: { stage: 'wrapper', skipped: true }, alpha: { stage: 'longrun', log: true, command: ['/x', '-f'], evidence: 'table', confidence: 'high' } } };
    const b: MigrationState = { version: 1, services: { alpha: { confidence: 'high', evidence: 'table', command: ['/x', '-f'], log: true, stage: 'longrun' }, zeta: { skipped: true, stage: 'wrapper' } } };
    expect(renderState(a)).toBe(renderState(b));
    expect(renderState(a).indexOf('"alpha"')).toBeLessThan(renderState(a).indexOf('"zeta"'));
    expect(parseState(renderState(a), 'state.json').state).toEqual(JSON.parse(renderState(a)));
    expect(renderState(a)).not.toMatch(/time|date/i);
  });

  it('a missing state file is an empty state; a broken one is a diagnostic, never a throw', () => {
    expect(parseState(undefined, 's').state).toEqual(emptyState());
    const bad = parseState('{nope', 'x/state.json');
    expect(bad.diagnostics[0]).toMatchObject({ severity: 'error', code: 'state-unreadable', file: 'x/state.json' });
    expect(parseState('{"version":2,"services":{}}', 's').diagnostics).toHaveLength(1);
  });

  it('model.json must exist and be version 1', () => {
    expect(parseModel(undefined, 'm').diagnostics[0]!.code).toBe('model-missing');
    expect(parseModel('{"version":1,"services":[]}', 'm').model?.services).toEqual([]);
  });

  it('progress counts upgraded services and renders a table', () => {
    const s: MigrationState = { version: 1, services: { b: { stage: 'longrun', log: true, logDir: '/var/log/s6migrate/b', evidence: 'systemd', confidence: 'high', user: 'bd' }, c: { stage: 'wrapper', skipped: true } } };
    const p = progress(s, ['c', 'a', 'b']);
    expect(p.total).toBe(3);
    expect(p.upgraded).toBe(1);
    expect(p.rows.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    const text = renderProgress(p);
    expect(text).toContain('1 of 3 services upgraded');
    expect(text).toMatch(/b\s+longrun\s+systemd\/high, log \/var\/log\/s6migrate\/b, user bd/);
    expect(text).toMatch(/c\s+wrapper\s+skipped/);
  });
});
