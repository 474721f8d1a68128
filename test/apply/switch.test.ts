import { describe, expect, it } from 'vitest';
import { explainUpdateExit, UPDATE_EXIT, updateArgv } from '../../src/apply/switch.js';

describe('s6-rc-update invocation', () => {
  it('puts -n first, then -l LIVE, -f CONVFILE and NEWDB last, each as its own argv element', () => {
    expect(updateArgv({ exe: '/usr/bin/s6-rc-update', live: '/run/s6 rc', newDb: '/etc/s6-rc/compiled-x', convFile: '/tmp/c', dryRun: true }))
      .toEqual(['/usr/bin/s6-rc-update', '-n', '-l', '/run/s6 rc', '-f', '/tmp/c', '/etc/s6-rc/compiled-x']);
    expect(updateArgv({ exe: 'u', live: '/l', newDb: '/d', dryRun: false })).toEqual(['u', '-l', '/l', '/d']);
    // --timeout reaches s6-rc-update as its own -t, in milliseconds (0: none, so no -t).
    expect(updateArgv({ exe: 'u', live: '/l', newDb: '/d', dryRun: false, timeoutMs: 6000 })).toEqual(['u', '-t', '6000', '-l', '/l', '/d']);
    expect(updateArgv({ exe: 'u', live: '/l', newDb: '/d', dryRun: false, timeoutMs: 0 })).toEqual(['u', '-l', '/l', '/d']);
  });

  it('explains every documented exit code (reference §5.4), saying whether the database was switched', () => {
    for (const code of [0, 1, 2, 3, 4, 5, 6, 9, 10, 100, 111, 126, 127]) expect(UPDATE_EXIT.has(code)).toBe(true);
    expect(explainUpdateExit(1)).toMatch(/switched/);
    expect(UPDATE_EXIT.get(1)?.switched).toBe(true);
    expect(UPDATE_EXIT.get(9)?.switched).toBe(false);
    expect(explainUpdateExit(9)).toContain('NOT switched');
    expect(explainUpdateExit(42)).toBe('unexpected exit code 42');
  });
});
