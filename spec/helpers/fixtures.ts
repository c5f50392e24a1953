// Where the captured test vectors live. Specs are compiled to dist/spec/…, at any depth; the
// fixtures stay in the source tree (spec/fixtures/<family>/), found from this helper's own place.
import { fileURLToPath } from 'node:url';

/** The source tree's spec/fixtures/<family>/ directory, as a file URL ending in `/`. */
export function fixturesUrl(family: string): URL {
  // dist/spec/helpers/fixtures.js → ../../../spec/fixtures/
  return new URL(`../../../spec/fixtures/${family}/`, import.meta.url);
}

/** The same directory as a file-system path (with a trailing slash). */
export function fixturesDir(family: string): string {
  return fileURLToPath(fixturesUrl(family));
}
