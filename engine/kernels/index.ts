import type { Backend } from "./backend";
import { createJsBackend } from "./js";
import { createWasmBackend } from "./wasm/backend";

export type { Backend } from "./backend";
export { Act } from "./backend";
export { createJsBackend } from "./js";
export { createWasmBackend } from "./wasm/backend";

/**
 * The backend for config.backend. "wasm" (WebAssembly SIMD, issue 7) needs a runtime whose
 * WebAssembly.validate accepts SIMD128; elsewhere it falls back to "js" and says so
 * (`fallback`), so a sweep over backends still runs. memoryMiB: the wasm reservation (train.ts sizes
 * it to the model: resources.ts wasmMemoryMiB).
 */
export function createBackend(name: "js" | "wasm", options: { threads?: 1 | 2; memoryMiB?: number } = {}): { backend: Backend; fallback: string | null } {
  if (name === "wasm") {
    const wasm = createWasmBackend({ threads: options.threads, memoryMiB: options.memoryMiB });
    if (wasm) return { backend: wasm, fallback: null };
    return { backend: createJsBackend(), fallback: 'backend "wasm" needs WebAssembly SIMD, which this runtime lacks; using "js"' };
  }
  return { backend: createJsBackend(), fallback: null };
}
