import * as z from "zod";

// Imported first by worker.ts, so that it holds before any schema parses (config.ts parses
// its defaults as it loads). A worker parses one input per run: zod's JIT would compile a
// parser (new Function, ~5 ms at every start, never in the code cache) to use it once.
z.config({ jitless: true });
