import { BUILTIN_CORPUS_NAME, corpusNameProblem } from "../engine/corpus/names";
import type { SweepConfig } from "./config";

// The corpora a sweep names (parameters.corpus: a value or a list of values). Over HTTP each
// must be a corpus the app knows; a local sweep file may name files, which the sweep CLI
// registers and replaces by their names before the sweep is stored.

export interface CorpusRef {
  /** dotted path of the value, e.g. parameters.corpus.values.1 */
  path: string;
  value: unknown;
}

/** Every corpus value the sweep can give a run, with its path. */
export function corpusRefs(config: SweepConfig): CorpusRef[] {
  const spec = config.parameters.corpus as { distribution: string; value?: unknown; values?: unknown[] } | undefined;
  if (!spec) return [];
  if (spec.distribution === "constant") return [{ path: "parameters.corpus.value", value: spec.value }];
  return (spec.values ?? []).map((value, i) => ({ path: `parameters.corpus.values.${i}`, value }));
}

/** The same sweep with each corpus value replaced by `rename(value)`. */
export function renameCorpora(config: SweepConfig, rename: (value: string) => string): SweepConfig {
  const spec = config.parameters.corpus as { distribution: string; value?: unknown; values?: unknown[] } | undefined;
  if (!spec) return config;
  const one = (v: unknown) => (typeof v === "string" ? rename(v) : v);
  const renamed = spec.distribution === "constant" ? { ...spec, value: one(spec.value) } : { ...spec, values: (spec.values ?? []).map(one) };
  return { ...config, parameters: { ...config.parameters, corpus: renamed as SweepConfig["parameters"][string] } };
}

/**
 * Issues for corpus values that arrived over HTTP: a path (or anything that is not a name) is
 * refused as such, an unknown name is refused with the names that exist.
 */
export function corpusRefIssues(refs: CorpusRef[], known: ReadonlySet<string>, available: readonly string[]): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  for (const { path, value } of refs) {
    if (value === BUILTIN_CORPUS_NAME || (typeof value === "string" && known.has(value))) continue;
    const problem = typeof value === "string" ? corpusNameProblem(value) : "must be a corpus name";
    const list = available.length > 8 ? `${available.slice(0, 8).join(", ")}, …` : available.join(", ");
    issues.push({ path, message: problem ?? `no corpus named "${value}": upload it first (the Corpora page, or POST /api/corpora?name=${value}); known: ${list}` });
  }
  return issues;
}
