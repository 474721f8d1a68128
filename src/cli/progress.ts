/**
 * A progress line on stderr for long work, only when stderr is a terminal and output is not JSON
 * (a pipe or a log file gets nothing, so output stays clean and deterministic).
 */
export interface Progress {
  update(done: number, total: number, label: string): void;
  done(): void;
}

const silent: Progress = { update() {}, done() {} };

export function progressFor(opts: { json?: boolean }, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (opts.json || !stream.isTTY) return silent;
  // Nothing for the first 100 ms: a small host is done before a line could be read, so it gets none.
  let last = Date.now();
  let shown = false;
  return {
    update(done, total, label) {
      const now = Date.now();
      // Redrawing costs more than the work for small hosts; ten frames a second is plenty.
      if (now - last < 100) return;
      last = now;
      shown = true;
      stream.write(`\r\x1b[K${label} (${done}/${total} files read)`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

