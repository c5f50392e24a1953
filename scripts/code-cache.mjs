// Writes dist/bundle/library.cjs.cache: V8's code cache of the library script, made by loading the library
// exactly as an import does (dist/bundle/load.js, which exports the compiled script for this purpose),
// with the header and the copy of the source load.js checks. Run by scripts/bundle.mjs in a fresh process, so the cache holds
// what a fresh process compiles (the library's top-level code and every function it ran), under the
// V8 flags a plain `node` has.
//
// Usage: node scripts/code-cache.mjs        (after scripts/bundle.mjs wrote dist/bundle/)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bundle');
const { cacheFile, codeCache, libraryScript } = await import(pathToFileURL(join(bundle, 'load.js')).href);
if (codeCache !== 'missing') throw new Error(`scripts/code-cache: expected no cache yet, found one (${codeCache})`);
const payload = libraryScript.createCachedData();
const source = readFileSync(join(bundle, 'library.cjs'));
writeFileSync(join(bundle, 'library.cjs.cache'), cacheFile(source, payload));
