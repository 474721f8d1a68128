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
  let last = 0;
  let shown = false;
  return {
    update(done, total, label) {
      const now = Date.now();
      // Redrawing costs more than the work for small hosts; ten frames a second is plenty.
      if (now - last < 100 && done < total) return;
      last = now;
      shown = true;
      stream.write(`\r\x1b[K${label} ${done}/${total}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

