/**
 * Property tests draw random cases. On a developer's machine each run draws new ones (that is how they
 * find bugs; a failure prints its seed and path to replay it). In CI, or with S6M_FC_SEED, every run
 * draws the same cases, so a green run stays green unless the code changes.
 */
import fc from 'fast-check';

const fixed = process.env.S6M_FC_SEED ?? (process.env.CI ? '20261206' : undefined);
if (fixed !== undefined) fc.configureGlobal({ seed: Number(fixed) });
