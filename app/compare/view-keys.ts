import { viewKeys, viewPairs, type PanelSpec } from "../_lib/panels";

// The series a compare view fetches, worked out on the server for its first render: the same
// viewKeys/viewPairs the browser runs, custom panels' regexes matched against the metric names
// the runs logged (panels.ts matchMetrics, on RE2: time linear in the names, whatever the link
// holds), so the first answer holds every series the page draws.

export interface ViewFetch {
  keys: string[];
  /** y~x pairs of custom panels with a metric on x (compare endpoint's pair=). */
  pair: [string, string][];
}

/** What a view with these metrics and panels fetches once its runs' metric names are known. */
export function viewFetch(metrics: readonly string[], panels: readonly PanelSpec[], names: readonly string[]): ViewFetch {
  const keys = viewKeys(metrics, panels, names);
  return { keys, pair: viewPairs(panels, names, keys) };
}
