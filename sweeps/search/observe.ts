import { sweepMetric } from "../config.ts";
import type { Params } from "./space.ts";
import type { SearchContext, Trial } from "./types.ts";

// What the bayes models learn from the sweep's runs, as W&B's bayes_search.py
// (_construct_gp_data) scores them, oriented so that lower is better:
//   finished                     its best value (no value: the imputed one)
//   failed, crashed, diverged,   metric.impute: worst (default) → the worst value; best → its
//   pruned                       best value; latest → its last value (no value: the worst)
//   running                      pending — unless metric.impute_while_running is latest/best/
//                                worst: then its value so far counts as if it had finished
//   queued                       pending
//   stopped (by a person)        left out: it says nothing about its configuration
// "The worst value" is +Infinity here; each model turns it into something it can use.

export interface Observation {
  params: Params;
  /** lower is better; +Infinity: the worst value */
  y: number;
}

export interface Observed {
  observed: Observation[];
  /** configurations being tried right now (their results are not in yet) */
  pending: Params[];
}

const finite = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

function imputed(t: Trial, strategy: string, sign: number): number {
  if (strategy === "best" && finite(t.value)) return sign * t.value;
  if (strategy === "latest" && finite(t.latest)) return sign * t.latest;
  return Infinity;
}

export function observeTrials({ config, trials }: Pick<SearchContext, "config" | "trials">): Observed {
  const metric = sweepMetric(config);
  const sign = metric.goal === "maximize" ? -1 : 1;
  const impute = metric.impute ?? "worst";
  const whileRunning = metric.impute_while_running ?? "false";
  const observed: Observation[] = [];
  const pending: Params[] = [];
  for (const t of trials) {
    if (Object.keys(t.params).length === 0) continue; // a slot with no run yet
    switch (t.state) {
      case "finished":
        observed.push({ params: t.params, y: finite(t.value) ? sign * t.value : imputed(t, impute, sign) });
        break;
      case "failed":
      case "crashed":
      case "diverged":
      case "pruned":
        observed.push({ params: t.params, y: imputed(t, impute, sign) });
        break;
      case "running":
        if (whileRunning === "false") pending.push(t.params);
        else observed.push({ params: t.params, y: finite(t.value) ? sign * t.value : imputed(t, whileRunning, sign) });
        break;
      case "queued":
        pending.push(t.params);
        break;
    }
  }
  return { observed, pending };
}
