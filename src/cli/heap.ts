import { setFlagsFromString } from 'node:v8';

/**
 * A conversion holds one large model (about 30 MB for 4,000 services) and makes much short-lived
 * garbage around it. V8's defaults suit servers: the young generation grows to 3x16 MB and the old one
 * doubles before its first full collection, so a batch run peaked at ~157 MiB of which a third was
 * garbage. Keeping the young generation at its starting size and growing the old one by 20% at a time
 * brought the 20x corpus to ~110 MiB (a typical host from 83 to 70 MiB, no slower; the 20x corpus ~10%
 * slower, from more frequent collections). docs/performance.md has the figures.
 *
 * V8 prints "unrecognized flag" on stdout for a flag it does not know, which would corrupt `--json`
 * output, so the flags are set only on the V8 versions they were checked on (Node 20 to 24).
 */
const CHECKED_V8_MAJORS = new Set([11, 12, 13]);

export function tuneHeapForBatchWork(): void {
  const v8Major = Number(process.versions.v8.split('.')[0]);
  if (!CHECKED_V8_MAJORS.has(v8Major)) return;
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=20');
}
