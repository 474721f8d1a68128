import { main } from './main.js';

// `s6migrate scan | head`: a reader that stops early closes the pipe. The work itself is not affected,
// so the rest of the output is dropped quietly and the exit code still says how the work went.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`s6migrate: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 2;
  },
);
