/**
 * The real-distribution corpus (`S6M_CORPUS`, default `.cache/corpus`, filled by scripts/test-all.sh with
 * ../shared/corpus/fetch-corpus.sh): one lookup for every corpus test. In CI an absent or empty corpus
 * fails the run (missing() throws); elsewhere CORPUS_SKIP names what is missing, for the test title.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { missing } from './stacks.js';

export const CORPUS = resolve(import.meta.dirname, '../..', process.env.S6M_CORPUS ?? '.cache/corpus');

/** The package directories of the corpus, in byte order (none when it is absent). */
export const CORPUS_PACKAGES: string[] = existsSync(CORPUS)
  ? readdirSync(CORPUS).filter((p) => !p.startsWith('.') && statSync(join(CORPUS, p)).isDirectory()).sort()
  : [];

/** '' when the corpus is there; else ` (skipped: ...)` (outside CI only). */
export const CORPUS_SKIP = missing(`the corpus at ${CORPUS} (../shared/corpus/fetch-corpus.sh, or set S6M_CORPUS)`, CORPUS_PACKAGES.length > 0);
export const HAVE_CORPUS = CORPUS_SKIP === '';
