import type { StopRule } from "./types.ts";

/** The do-nothing rule: runs always train to the end (no `early_terminate`). */
export const noStop: StopRule = () => ({ stop: false });
