"use client";
import { GOALS, isPlainObject, METHODS, sweepMetrics, type SweepIssue } from "../../../sweeps/config";
import { EARLY_TERMINATE_DEFAULTS, getPath, issuesAt, parseScalar, setPath, type SweepDoc } from "../../_lib/sweep-form";
import { DraftInput } from "./DraftInput";
import { FieldErrors, FieldWarnings, invalidProps } from "./FieldErrors";

// The top of the form: method, metric + goal, how many runs, early termination.

const METHOD_HELP: Record<(typeof METHODS)[number], string> = {
  grid: "Every combination of the listed values",
  random: "Draw each run's values at random",
  bayes: "Model the metric and try the most promising next",
};

/** Config paths this section has inputs for (issues there are shown here, not in the summary). */
export const SETTINGS_PATHS = ["name", "project", "method", "metric", "run_cap", "replicates", "concurrency", "seed", "early_terminate"];

const showNum = (v: unknown) => (v === undefined ? "" : String(v));
const parseNum = (t: string) => parseScalar(t, "number");
// (a non-string shows as written, so the schema's "must be a string" has its text in the box)
const showText = (v: unknown) => (typeof v === "string" ? v : v === undefined ? "" : String(v));
const parseText = (t: string) => (t === "" ? undefined : t);

/** A top-level text key (name, project): empty leaves it out of the document. */
function TextField(props: { label: string; path: string; className: string; placeholder: string; doc: SweepDoc; issues: readonly SweepIssue[]; onChange: (doc: SweepDoc) => void }) {
  const { path, doc, issues } = props;
  return (
    <label className={props.className}>
      {props.label}
      <DraftInput
        className="input"
        {...invalidProps(issues, path)}
        placeholder={props.placeholder}
        value={doc[path]}
        format={showText}
        parse={parseText}
        onCommit={(v) => props.onChange(setPath(doc, path, v))}
      />
      <FieldErrors issues={issuesAt(issues, path)} path={path} />
    </label>
  );
}

export function SweepSettings(props: { doc: SweepDoc; issues: readonly SweepIssue[]; warnings?: readonly SweepIssue[]; onChange: (doc: SweepDoc) => void }) {
  const { doc, issues, onChange } = props;
  const warnings = props.warnings ?? [];
  const set = (path: string, value: unknown) => onChange(setPath(doc, path, value));
  const et = isPlainObject(doc.early_terminate) ? doc.early_terminate : undefined;
  const etType = typeof et?.type === "string" ? et.type : "none";

  return (
    <div className="sw-settings">
      <div className="sw-field-row">
        <TextField label="Name" path="name" className="field sw-grow" placeholder="optional, e.g. dropout x lr" doc={doc} issues={issues} onChange={onChange} />
        <TextField label="Project" path="project" className="field" placeholder="default" doc={doc} issues={issues} onChange={onChange} />
      </div>

      <fieldset className="sw-fieldset">
        <legend>Method</legend>
        <div className="sw-methods" role="radiogroup" aria-label="Search method" {...invalidProps(issues, "method")}>
          {METHODS.map((m) => (
            <label key={m} className="sw-method" data-on={doc.method === m || undefined}>
              <input type="radio" name="method" value={m} checked={doc.method === m} onChange={() => set("method", m)} data-testid={`method-${m}`} />
              <span className="sw-method-name">{m}</span>
              <span className="help">{METHOD_HELP[m]}</span>
            </label>
          ))}
        </div>
        <FieldErrors issues={issuesAt(issues, "method")} path="method" />
      </fieldset>

      <div className="sw-field-row">
        <label className="field sw-grow">
          Metric
          <DraftInput
            className="input"
            {...invalidProps(issues, "metric.name", "metric")}
            list="sweep-known-metrics"
            value={getPath(doc, "metric.name")}
            format={(v) => (typeof v === "string" ? v : "")}
            parse={(t) => t}
            onCommit={(v) => set("metric.name", v)}
          />
          {/* what the sweep's task(s) log: the metric field offers exactly those */}
          <datalist id="sweep-known-metrics" data-testid="known-metrics">
            {sweepMetrics(doc).map((m) => (
              <option key={m} value={m} />
            ))}
          </datalist>
        </label>
        <label className="field">
          Goal
          <select className="input" {...invalidProps(issues, "metric.goal", "metric")} value={String(getPath(doc, "metric.goal") ?? "minimize")} onChange={(e) => set("metric.goal", e.target.value)}>
            {GOALS.map((g) => (
              <option key={g}>{g}</option>
            ))}
          </select>
        </label>
        <label className="field">
          Run cap
          <DraftInput
            className="input sw-num"
            {...invalidProps(issues, "run_cap")}
            inputMode="numeric"
            placeholder={doc.method === "grid" ? "whole grid" : "no limit"}
            value={doc.run_cap}
            format={showNum}
            parse={parseNum}
            onCommit={(v) => set("run_cap", v)}
          />
        </label>
        <label className="field">
          Replicates
          <DraftInput className="input sw-num" {...invalidProps(issues, "replicates")} inputMode="numeric" placeholder="1" value={doc.replicates} format={showNum} parse={parseNum} onCommit={(v) => set("replicates", v)} />
        </label>
        <label className="field">
          Concurrency
          <DraftInput className="input sw-num" {...invalidProps(issues, "concurrency")} inputMode="numeric" placeholder="all cores" value={doc.concurrency} format={showNum} parse={parseNum} onCommit={(v) => set("concurrency", v)} />
        </label>
      </div>
      <FieldErrors
        issues={issuesAt(issues, "metric").map((i) => (i.path === "metric.name" && i.message === "required" ? { ...i, message: "metric name required: what the sweep optimises, e.g. val_loss" } : i))}
        path="metric"
      />
      <FieldWarnings warnings={issuesAt(warnings, "metric")} path="metric" />
      {["run_cap", "replicates", "concurrency"].map((p) => (
        <FieldErrors key={p} issues={issuesAt(issues, p).map((i) => ({ ...i, message: `${p}: ${i.message}` }))} path={p} />
      ))}

      <div className="sw-field-row">
        <label className="field">
          Early termination
          <select
            className="input sw-et-select"
            {...invalidProps(issues, "early_terminate.type", "early_terminate")}
            value={etType}
            onChange={(e) => {
              const t = e.target.value;
              set("early_terminate", t === "none" ? undefined : t === "hyperband" ? { ...EARLY_TERMINATE_DEFAULTS.hyperband } : { ...EARLY_TERMINATE_DEFAULTS.median });
            }}
          >
            <option value="none">none</option>
            <option value="hyperband">hyperband</option>
            <option value="median">median</option>
            {!["none", "hyperband", "median"].includes(etType) && <option value={etType}>{etType}</option>}
          </select>
        </label>
        {et &&
          (etType === "median" ? ["min_iter", "min_runs"] : ["min_iter", "eta", "max_iter", "s"]).map((k) => (
            <label key={k} className="field">
              {k}
              <DraftInput
                className="input sw-num"
                {...invalidProps(issues, `early_terminate.${k}`, "early_terminate")}
                inputMode="decimal"
                value={et[k]}
                format={showNum}
                parse={parseNum}
                onCommit={(v) => set(`early_terminate.${k}`, v)}
              />
            </label>
          ))}
        {et && <span className="help sw-et-help">Counted in evaluations of the metric (every eval_every steps). Poor runs end as pruned.</span>}
      </div>
      <FieldErrors issues={issuesAt(issues, "early_terminate")} path="early_terminate" />
      <FieldWarnings warnings={issuesAt(warnings, "early_terminate")} path="early_terminate" />
    </div>
  );
}
