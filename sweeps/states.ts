import * as z from "zod";

// Lifecycle states of runs and sweeps, shared by the executor, the store, the API and the UI.

export const RUN_STATES = ["queued", "running", "finished", "failed", "diverged", "crashed", "stopped", "pruned"] as const;
export const RunState = z.enum(RUN_STATES);
export type RunState = z.infer<typeof RunState>;
export const ACTIVE_RUN_STATES: readonly RunState[] = ["queued", "running"];
export const TERMINAL_RUN_STATES: readonly RunState[] = ["finished", "failed", "diverged", "crashed", "stopped", "pruned"];

export const SWEEP_STATES = ["running", "paused", "finished", "cancelled", "failed"] as const;
export const SweepState = z.enum(SWEEP_STATES);
export type SweepState = z.infer<typeof SweepState>;
