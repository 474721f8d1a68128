import { describe, expect, it } from 'vitest';
import { parseBoolean, parseEnvironment, parseLimit, parseTimeSpan, signalName } from '../../../importers/systemd/values.js';

describe('time spans (systemd.time(7))', () => {
  it('parses units, sums, bare seconds, infinity', () => {
    expect(parseTimeSpan('90')).toBe(90_000);
    expect(parseTimeSpan('1min 30s')).toBe(90_000);
    expect(parseTimeSpan('1min30s')).toBe(90_000);
    expect(parseTimeSpan('2h')).toBe(7_200_000);
    expect(parseTimeSpan('500ms')).toBe(500);
    expect(parseTimeSpan('1.5s')).toBe(1500);
    expect(parseTimeSpan('5 s')).toBe(5000);
    expect(parseTimeSpan('infinity')).toBe(Infinity);
  });
  it('rejects malformed spans', () => {
    expect(parseTimeSpan('5 parsecs')).toBeNull();
    expect(parseTimeSpan('')).toBeNull();
    expect(parseTimeSpan('s')).toBeNull();
    expect(parseTimeSpan('-5s')).toBeNull();
  });
});

describe('limits, signals, booleans, environment', () => {
  it('limits: soft:hard, infinity is =, byte suffixes', () => {
    expect(parseLimit('1024', 'count')).toEqual({ soft: '1024' });
    expect(parseLimit('1024:4096', 'count')).toEqual({ soft: '1024', hard: '4096' });
    expect(parseLimit('infinity', 'bytes')).toEqual({ soft: '=' });
    expect(parseLimit('8M', 'bytes')).toEqual({ soft: String(8 * 1024 * 1024) });
    expect(parseLimit('1min', 'seconds')).toEqual({ soft: '60' });
    expect(parseLimit('lots', 'count')).toBeNull();
  });
  it('signals: SIGINT, INT and numbers', () => {
    expect(signalName('SIGINT')).toBe('INT');
    expect(signalName('TERM')).toBe('TERM');
    expect(signalName('9')).toBe('KILL');
    expect(signalName('SIGNOPE')).toBeUndefined();
  });
  it('booleans', () => {
    expect([parseBoolean('yes'), parseBoolean('off'), parseBoolean('maybe')]).toEqual([true, false, undefined]);
  });
  it('Environment=: several assignments, quoting, invalid words', () => {
    expect(parseEnvironment('A=1 "B=two words" C=\'x y\' D=')).toEqual({ assignments: [['A', '1'], ['B', 'two words'], ['C', 'x y'], ['D', '']], invalid: [] });
    expect(parseEnvironment('NOEQ 1A=2').invalid).toEqual(['NOEQ', '1A=2']);
    expect(parseEnvironment('"A=1').error).toBe('unterminated double quote');
  });
});
