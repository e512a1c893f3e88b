import vm from "node:vm";
import { viewKeys, viewPairs, type PanelSpec } from "../_lib/panels";

// The series a compare view fetches, worked out on the server for its first render: the same
// viewKeys/viewPairs the browser runs, custom panels' regexes matched against the metric names
// the runs logged (panels.ts matchMetrics), so the first answer holds every series the page
// draws. A regex comes from a link, and JavaScript's engine backtracks: a pattern such as
// (a+)+! against a long name could run for ages. So the matching is bounded: it runs under a
// vm timeout (V8 interrupts it wherever it is, inside a regex too), all panels together, and
// when the time is up the server fetches only the named metrics and leaves the regexes to the
// browser (CompareView then asks for the view whole on its first poll).

/** The most time one view's regexes get on the server (all panels together). */
export const REGEX_BUDGET_MS = 50;

const sandbox = vm.createContext({});
const callRun = new vm.Script("run()");

/** `run()`, or null when it is still running after `ms` (it is stopped there). */
function bounded<T>(run: () => T, ms: number): T | null {
  sandbox.run = run;
  try {
    return callRun.runInContext(sandbox, { timeout: ms }) as T;
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return null;
    throw e;
  } finally {
    sandbox.run = undefined;
  }
}

export interface ViewFetch {
  keys: string[];
  /** y~x pairs of custom panels with a metric on x (compare endpoint's pair=). */
  pair: [string, string][];
  /** False when the regexes were left to the browser (the budget ran out). */
  matched: boolean;
}

/** What a view with these metrics and panels fetches once its runs' metric names are known (regexes matched within `budgetMs`). */
export function viewFetch(metrics: readonly string[], panels: readonly PanelSpec[], names: readonly string[], budgetMs = REGEX_BUDGET_MS): ViewFetch {
  const fetch = (known: readonly string[] | null) => {
    const keys = viewKeys(metrics, panels, known);
    return { keys, pair: viewPairs(panels, known, keys) };
  };
  if (!panels.some((p) => p.re !== undefined)) return { ...fetch(null), matched: true };
  const resolved = bounded(() => fetch(names), budgetMs);
  return resolved ? { ...resolved, matched: true } : { ...fetch(null), matched: false };
}
