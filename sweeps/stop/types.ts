import type { SweepConfig } from "../config.ts";

export interface StopDecision {
  stop: boolean;
  /** why (when stopping), or what the rule waits for */
  reason?: string;
}

/**
 * A stopping rule. Histories are the values of `metric.name` in the order they were logged
 * (one entry per evaluation), already oriented so that lower is better and with non-finite
 * values removed; `format` turns an oriented value back into the logged one for messages.
 */
export type StopRule = (args: {
  config: SweepConfig;
  history: readonly number[];
  others: readonly (readonly number[])[];
  format: (oriented: number) => string;
}) => StopDecision;
