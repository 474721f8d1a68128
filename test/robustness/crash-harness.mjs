// Runs the bundled CLI with file-system calls counted, and kills itself with SIGKILL just before the
// Nth mutating call: a deterministic "power cut" at any point of a run, including between two renames.
// Usage: node crash-harness.mjs CLI_BUNDLE ARGS...   env: S6M_KILL_AT=N (0 = never), S6M_CALL_LOG=FILE
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';

const killAt = Number(process.env.S6M_KILL_AT ?? '0');
const log = process.env.S6M_CALL_LOG;
const calls = [];
let n = 0;
for (const name of ['renameSync', 'rmSync', 'writeFileSync', 'mkdirSync', 'mkdtempSync', 'chmodSync', 'unlinkSync', 'rmdirSync', 'symlinkSync']) {
  const orig = fs[name];
  fs[name] = function (...args) {
    n++;
    if (n === killAt) process.kill(process.pid, 'SIGKILL');
    if (log) calls.push(`${name} ${String(args[0])}`);
    return orig.apply(this, args);
  };
}
// ESM `import { renameSync } from 'node:fs'` in the bundle sees the patched functions only after this.
syncBuiltinESMExports();
if (log) process.on('exit', () => fs.writeFileSync(log, calls.join('\n') + '\n'));
const [cli, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], cli, ...args];
await import(pathToFileURL(cli).href);
