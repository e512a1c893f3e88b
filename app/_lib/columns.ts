import type { RunRecord } from "../../prisma/store/records";
import { RUN_CONFIG_KEYS } from "../../engine/config";

// Which config and summary columns a runs table shows by default: config keys whose values
// differ between the runs (what a sweep varied), and the headline metrics that exist.

export const HEADLINE_SUMMARY = ["val_loss_best", "val_loss", "train_loss", "val_acc", "val_acc_best", "saturation", "val_loss_best_step"];

export function varyingConfigKeys(runs: Pick<RunRecord, "config">[]): string[] {
  const seen = new Map<string, Set<string>>();
  for (const run of runs) {
    for (const [k, v] of Object.entries(run.config)) {
      if (!seen.has(k)) seen.set(k, new Set());
      seen.get(k)!.add(JSON.stringify(v));
    }
  }
  const varying = [...seen.entries()].filter(([, values]) => values.size > 1).map(([k]) => k);
  const order = (k: string) => {
    const i = (RUN_CONFIG_KEYS as string[]).indexOf(k);
    return i === -1 ? 1000 : i;
  };
  return varying.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
}

export function presentSummaryKeys(runs: Pick<RunRecord, "summary">[], wanted = HEADLINE_SUMMARY): string[] {
  return wanted.filter((k) => runs.some((r) => r.summary[k] !== undefined));
}
