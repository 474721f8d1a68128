/**
 * Real execution: an init script whose `start` and `stop` leave and remove a mark is converted, and the
 * generated oneshot `up` and `down` are run with each stack's execlineb. s6-rc stores up/down as argv at
 * compile time and runs them without a shell, so `execlineb -P FILE` runs them faithfully.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertHost } from '../../src/pipeline.js';
import { describeStacks } from '../support/stacks.js';

let work: string;
let script: string;
let mark: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 's6m-e2e-oneshot-'));
  mkdirSync(join(work, 'etc/init.d'), { recursive: true });
  mark = join(work, 'state', 'marker is up');
  script = join(work, 'etc/init.d/marker');
  writeFileSync(
    script,
    `#!/bin/sh
### BEGIN INIT INFO
# Provides:          marker
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: Leaves a mark while "running"
### END INIT INFO
MARK='${mark}'
case "$1" in
  start) mkdir -p "$(dirname "$MARK")"; echo "started with $# argument(s)" > "$MARK" ;;
  stop) rm -f "$MARK" ;;
  *) echo "Usage: $0 {start|stop}" >&2; exit 3 ;;
esac
exit 0
`,
    { mode: 0o755 },
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describeStacks('sysv oneshot, run for real', (stack) => {
  it('up makes the mark appear and down makes it vanish', () => {
    const out = join(work, `out-${stack.version}`);
    // No --root: the script's own path is the path on the system, so the generated files can run here.
    const r = convertHost({ paths: [script], root: '/', out, force: false });
    expect(r.write.ok, JSON.stringify(r.diagnostics)).toBe(true);
    const up = join(out, 'marker/up');
    const down = join(out, 'marker/down');
    expect(readFileSync(up, 'utf8')).toBe(`"${script}" "start"\n`);

    expect(existsSync(mark)).toBe(false);
    const ran = spawnSync(stack.tool('execlineb'), ['-P', up], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: stack.env });
    expect(ran.status, ran.stderr).toBe(0);
    expect(readFileSync(mark, 'utf8')).toBe('started with 1 argument(s)\n');

    const stopped = spawnSync(stack.tool('execlineb'), ['-P', down], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: stack.env });
    expect(stopped.status, stopped.stderr).toBe(0);
    expect(existsSync(mark)).toBe(false);
  });
});
