import type { Backend } from "./backend";
import { createJsBackend } from "./js";

export type { Backend } from "./backend";
export { Act } from "./backend";
export { createJsBackend } from "./js";

/**
 * The backend for config.backend. "wasm" (WebAssembly SIMD, issue 7) is not built yet: it
 * falls back to "js" and says so (`fallback`), so a sweep over backends still runs.
 */
export function createBackend(name: "js" | "wasm"): { backend: Backend; fallback: string | null } {
  if (name === "wasm") return { backend: createJsBackend(), fallback: 'backend "wasm" is not available yet; using "js"' };
  return { backend: createJsBackend(), fallback: null };
}
