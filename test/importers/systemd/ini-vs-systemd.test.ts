/**
 * Why the importer has its own unit-file parser: the `ini` package (used elsewhere for plain INI files)
 * does not read units the way systemd does. Each `it.fails` holds a real expectation of systemd's
 * semantics that `ini.parse` fails; vitest turns red if `ini` ever starts meeting it.
 */
import ini from 'ini';
import { describe, expect, it } from 'vitest';
import { applyAssignments, parseUnitFile, values, type Settings } from '../../../importers/systemd/unit-file.js';

function ours(text: string, section: string, key: string): string[] {
  const s: Settings = new Map();
  applyAssignments(s, parseUnitFile(text, 'u.service').assignments);
  return values(s, section, key).map((v) => v.value);
}

const REPEATED = '[Service]\nExecStartPre=/bin/a\nExecStartPre=/bin/b\n';
const RESET = '[Unit]\nAfter=a.service\nAfter=\nAfter=b.service\n';
const CONTINUED = '[Service]\nExecStart=/bin/echo one \\\n  two\n';

describe('ini.parse versus systemd unit syntax', () => {
  it.fails('ini keeps every value of a repeated key (it does not: the last one wins)', () => {
    const parsed = ini.parse(REPEATED) as Record<string, Record<string, unknown>>;
    expect(parsed.Service?.ExecStartPre).toEqual(['/bin/a', '/bin/b']);
  });

  it.fails('ini resets a list on an empty assignment', () => {
    const parsed = ini.parse(RESET) as Record<string, Record<string, unknown>>;
    expect(parsed.Unit?.After).toEqual(['b.service']);
  });

  it.fails('ini joins a continuation line', () => {
    const parsed = ini.parse(CONTINUED) as Record<string, Record<string, unknown>>;
    expect(parsed.Service?.ExecStart).toBe('/bin/echo one    two');
  });

  it('what ini actually returns, and what our parser returns', () => {
    const rep = ini.parse(REPEATED) as Record<string, Record<string, unknown>>;
    expect(rep.Service?.ExecStartPre).toBe('/bin/b');
    expect(ours(REPEATED, 'Service', 'ExecStartPre')).toEqual(['/bin/a', '/bin/b']);
    expect(ours(RESET, 'Unit', 'After')).toEqual(['b.service']);
    expect(ours(CONTINUED, 'Service', 'ExecStart')).toEqual(['/bin/echo one    two']);
  });
});
