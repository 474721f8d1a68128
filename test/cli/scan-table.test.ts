import { describe, expect, it } from 'vitest';
import { fitList, fitText } from '../../src/cli/commands/scan.js';

describe('scan table cells', () => {
  it('keep a list whole when it fits', () => {
    expect(fitList(['remote-fs', 'syslog'], 48)).toBe('remote-fs,syslog');
    expect(fitList([], 48)).toBe('-');
  });

  it('cut a long list at an item and say how many were left out, within the width', () => {
    const names = Array.from({ length: 300 }, (_, i) => `service-${i}`);
    const cell = fitList(names, 48);
    expect(cell.length).toBeLessThanOrEqual(48);
    const shown = cell.split(',');
    const more = shown.pop()!;
    expect(shown).toEqual(names.slice(0, shown.length));
    expect(more).toBe(`+${names.length - shown.length} more`);
  });

  it('say only the count when not even the first item fits', () => {
    expect(fitList(['x'.repeat(60), 'y'], 20)).toBe('+2 more');
  });

  it('cut long text and mark the cut', () => {
    expect(fitText('/usr/sbin/daemon --flag', 64)).toBe('/usr/sbin/daemon --flag');
    const cut = fitText('a'.repeat(100), 64);
    expect(cut).toHaveLength(64);
    expect(cut.endsWith('...')).toBe(true);
  });
});
