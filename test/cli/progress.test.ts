import { describe, expect, it, vi, afterEach } from 'vitest';
import { progressFor } from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}

afterEach(() => vi.useRealTimers());

describe('progress line', () => {
  it('draws on a terminal after 100 ms, at most ten frames a second, and clears itself', () => {
    vi.useFakeTimers();
    const { writes, stream } = fakeStream(true);
    const p = progressFor({}, stream);
    p.update(0, 10, 'reading sysv files');
    expect(writes).toEqual([]); // a quick run shows nothing
    vi.advanceTimersByTime(150);
    p.update(3, 10, 'reading sysv files');
    p.update(4, 10, 'reading sysv files'); // same frame: skipped
    vi.advanceTimersByTime(150);
    p.update(10, 10, 'resolving dependencies');
    p.done();
    expect(writes).toEqual([
      '\r\x1b[Kreading sysv files (3/10 files read)',
      '\r\x1b[Kresolving dependencies (10/10 files read)',
      '\r\x1b[K',
    ]);
  });

  it('is silent when piped or with --json', () => {
    vi.useFakeTimers();
    for (const [tty, json] of [[false, false], [true, true]] as const) {
      const { writes, stream } = fakeStream(tty);
      const p = progressFor({ json }, stream);
      vi.advanceTimersByTime(500);
      p.update(1, 2, 'x');
      p.done();
      expect(writes).toEqual([]);
    }
  });
});
