// Preloaded into the measured process (`node -r bench/rss-probe.cjs ...`): reports its peak resident
// memory on exit, so the benchmark needs no external `time` program.
process.on('exit', () => {
  const kib = process.resourceUsage().maxRSS;
  require('node:fs').writeSync(2, `\n@@maxrss_kib=${kib}\n`);
});
