// How dist/worker.cjs starts the bundled worker: it compiles the bundle with V8's code cache,
// kept beside it, so V8 reads back what an earlier worker compiled instead of compiling the
// bundle again: 20 ms of a worker's ~60 ms on top of Node's own start-up here (~105 ms to its
// first line with the cache, Node alone ~63 ms). Node 20 has no module.enableCompileCache,
// which does this in Node 22.
//
// The bundle's file name carries a hash of its content (scripts/build-worker.mjs), and so does
// the cache's: a cache can never be applied to another bundle. (V8 checks only the source's
// length, its own version and its flags.) The first worker to find no cache, or one that V8
// rejects (another Node version, other flags), writes one when it exits: written beside it,
// then renamed over it, so workers starting meanwhile read a whole cache or none. A cache that
// cannot be written (a read-only or full disk) only costs the next worker the compile.
"use strict";
const fs = require("node:fs");
const vm = require("node:vm");

/** Run the CommonJS file `file` as its own module, compiled with the code cache `${file}.cache`. */
function runWithCodeCache(file) {
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // none yet
  }
  // the CommonJS wrapper, on the bundle's first line: its line numbers stay those of the file
  const source = `(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(file, "utf8")}\n})`;
  const script = new vm.Script(source, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, file, require("node:path").dirname(file));
  if (cachedData !== undefined && !script.cachedDataRejected) return;
  // taken now, with the code that loading the bundle compiled: once a run starts, the wasm
  // kernels may set a V8 flag (engine/kernels/wasm/load.ts), and V8 rejects a cache made under
  // other flags than its own
  const data = script.createCachedData();
  process.once("exit", () => {
    const tmp = `${cacheFile}.tmp-${process.pid}`;
    try {
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, cacheFile);
    } catch {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // (nothing more to do)
      }
    }
  });
}

module.exports = { runWithCodeCache };
