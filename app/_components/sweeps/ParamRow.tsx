"use client";
import { DISTRIBUTION_KEYS, isPlainObject, type Distribution, type SweepIssue } from "../../../sweeps/config";
import {
  boundsHint,
  choiceStart,
  distributionOf,
  distributionsFor,
  formatList,
  issuesAt,
  modeOf,
  parseList,
  parseScalar,
  specForMode,
  withDistribution,
  type ParamMode,
  type RunField,
} from "../../_lib/sweep-form";
import { DraftInput } from "./DraftInput";
import { ParamList } from "./ParamList";
import { FieldErrors, FieldWarnings, invalidProps } from "./FieldErrors";

// One swept parameter: fixed value, list of values, or a distribution with its bounds. The
// inputs come from the RunConfig field (enum → choices, boolean → true/false, numbers → boxes).

const MODES: { id: ParamMode; label: string }[] = [
  { id: "value", label: "Fixed" },
  { id: "values", label: "Values" },
  { id: "distribution", label: "Range" },
  { id: "choices", label: "Choices" },
];

const DIST_LABELS: Partial<Record<Distribution, string>> = {
  uniform: "uniform",
  log_uniform_values: "log uniform",
  int_uniform: "int uniform",
  q_uniform: "q uniform",
  q_log_uniform_values: "q log uniform",
  normal: "normal",
  q_normal: "q normal",
  log_normal: "log normal",
  q_log_normal: "q log normal",
  inv_log_uniform_values: "inv log uniform",
  beta: "beta",
  log_uniform: "log uniform (exponents)",
};

const showScalar = (v: unknown) => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));

export function ParamRow(props: {
  field: RunField | undefined;
  name: string;
  /** where the row's parameter sits: "parameters", or under a choice */
  base?: string;
  chosen?: Record<string, string>;
  corpora?: readonly string[];
  spec: unknown;
  issues: readonly SweepIssue[];
  /** warnings of the whole config (this row shows its own) */
  warnings?: readonly SweepIssue[];
  onChange: (spec: unknown) => void;
  onRemove: () => void;
}) {
  const { field, name, spec, onChange } = props;
  const path = `${props.base ?? "parameters"}.${name}`;
  const issues = issuesAt(props.issues, path);
  const mode = modeOf(spec);
  const obj = isPlainObject(spec) ? spec : {};
  const inv = (sub: string) => invalidProps(props.issues, `${path}.${sub}`, path);
  const numeric = field?.kind === "integer" || field?.kind === "number";
  // choices: an enum field (optimizer, init, cell, lr_schedule) whose options can each have parameters of their own
  const modes = MODES.filter((m) => (m.id !== "distribution" || numeric) && (m.id !== "choices" || field?.kind === "enum"));

  return (
    <div className="sw-param" data-testid={`param-${name}`} data-varied={mode !== "value" || undefined} aria-invalid={issues.length > 0 || undefined}>
      <div className="sw-param-name">
        <code>{name}</code>
        {field ? (
          <span className="help" title={field.description}>
            {field.description}
            {" · default "}
            <code>{showScalar(field.default)}</code>
            {boundsHint(field) && <> · {boundsHint(field)}</>}
          </span>
        ) : (
          <span className="help">not a RunConfig key</span>
        )}
      </div>
      <div className="sw-param-body">
        {field && mode === "value" && (
          <ScalarInput field={field} value={obj.value} onChange={(value) => onChange({ ...obj, value })} inputProps={inv("value")} />
        )}
        {field && mode === "values" && (
          <ValuesInput field={field} values={obj.values} onChange={(values) => onChange({ ...obj, values })} inputProps={inv("values")} />
        )}
        {field && mode === "distribution" && <DistributionInputs field={field} spec={obj} onChange={onChange} inv={inv} />}
        {field && mode === "choices" && <ChoicesInput part="chips" field={field} path={path} spec={obj} chosen={props.chosen ?? {}} issues={props.issues} warnings={props.warnings} corpora={props.corpora} onChange={onChange} />}
        <FieldErrors issues={issues} path={path} />
        <FieldWarnings warnings={issuesAt(props.warnings ?? [], path)} path={path} />
      </div>
      <div className="sw-param-modes">
        {field && (
          <div className="sw-seg" role="radiogroup" aria-label={`How to choose ${name}`}>
            {modes.map((m) => (
              <button
                key={m.id}
                type="button"
                role="radio"
                aria-checked={mode === m.id}
                className="sw-seg-btn"
                data-testid={`mode-${name}-${m.id}`}
                onClick={() => mode !== m.id && onChange(specForMode(field, m.id, spec))}
              >
                {m.label}
              </button>
            ))}
          </div>
        )}
        <button type="button" className="btn btn-ghost btn-sm" aria-label={`Remove ${name}`} title={`Remove ${name} (it keeps its default)`} onClick={props.onRemove}>
          ✕
        </button>
      </div>
      {field && mode === "choices" && <ChoicesInput part="branches" field={field} path={path} spec={obj} chosen={props.chosen ?? {}} issues={props.issues} warnings={props.warnings} corpora={props.corpora} onChange={onChange} />}
    </div>
  );
}

type InputProps = ReturnType<typeof invalidProps>;

/** Choices: a chip per option (ticked: the sweep tries it; in the row), and under each ticked one the parameters only its runs have (the row's full width). */
function ChoicesInput(props: {
  part: "chips" | "branches";
  field: RunField;
  path: string;
  spec: Record<string, unknown>;
  chosen: Record<string, string>;
  issues: readonly SweepIssue[];
  warnings?: readonly SweepIssue[];
  corpora?: readonly string[];
  onChange: (spec: unknown) => void;
}) {
  const { field, spec } = props;
  const choices = isPlainObject(spec.choices) ? spec.choices : {};
  const options = [...(field.options ?? []), ...Object.keys(choices).filter((k) => !(field.options ?? []).includes(k))];
  const set = (next: Record<string, unknown>) => props.onChange({ ...spec, choices: next });
  if (props.part === "chips")
    return (
      <div className="sw-chips" role="group" aria-label={`${field.key} choices`} data-testid={`choices-${field.key}`}>
        {options.map((o) => {
          const on = o in choices;
          return (
            <label key={o} className="sw-chip" data-on={on || undefined}>
              <input
                type="checkbox"
                checked={on}
                onChange={() => {
                  const next = { ...choices };
                  if (on) delete next[o];
                  else next[o] = choiceStart(field.key, o);
                  set(Object.fromEntries(options.filter((x) => x in next).map((x) => [x, next[x]])));
                }}
              />
              {o}
            </label>
          );
        })}
      </div>
    );
  return (
    <div className="sw-choices">
      {Object.entries(choices).map(([o, sub]) => (
        <div key={o} className="sw-choice" data-testid={`choice-${field.key}-${o}`}>
          <div className="sw-choice-name">
            under <code>{field.key}: {o}</code>
          </div>
          <ParamList
            params={isPlainObject(sub) ? sub : {}}
            base={`${props.path}.choices.${o}`}
            chosen={{ ...props.chosen, [field.key]: o }}
            issues={props.issues}
            warnings={props.warnings}
            corpora={props.corpora}
            onChange={(params) => set({ ...choices, [o]: params })}
          />
        </div>
      ))}
    </div>
  );
}

function ScalarInput(props: { field: RunField; value: unknown; onChange: (v: unknown) => void; inputProps: InputProps }) {
  const { field } = props;
  if (field.kind === "enum" || field.kind === "boolean") {
    const options = field.kind === "enum" ? field.options ?? [] : ["false", "true"];
    return (
      <select className="input" {...props.inputProps} value={showScalar(props.value)} onChange={(e) => props.onChange(parseScalar(e.target.value, field.kind))}>
        {!options.includes(showScalar(props.value)) && <option value={showScalar(props.value)}>{showScalar(props.value) || "(choose)"}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  }
  return (
    <DraftInput
      className="input sw-num"
      {...props.inputProps}
      inputMode={field.kind === "string" ? "text" : "decimal"}
      value={props.value}
      format={showScalar}
      parse={(t) => parseScalar(t, field.kind)}
      onCommit={props.onChange}
    />
  );
}

function ValuesInput(props: { field: RunField; values: unknown; onChange: (v: unknown[]) => void; inputProps: InputProps }) {
  const { field } = props;
  const list = Array.isArray(props.values) ? props.values : [];
  if (field.kind === "enum" || field.kind === "boolean") {
    const options: unknown[] = field.kind === "enum" ? field.options ?? [] : [false, true];
    const extra = list.filter((v) => !options.some((o) => o === v));
    return (
      <div className="sw-chips" role="group" aria-label={`${field.key} values`} {...props.inputProps}>
        {[...options, ...extra].map((o) => {
          const on = list.some((v) => v === o);
          return (
            <label key={String(o)} className="sw-chip" data-on={on || undefined}>
              <input
                type="checkbox"
                checked={on}
                onChange={() => props.onChange(on ? list.filter((v) => v !== o) : [...options.filter((x) => x === o || list.includes(x)), ...extra])}
              />
              {String(o)}
            </label>
          );
        })}
      </div>
    );
  }
  return (
    <div className="sw-values">
      <DraftInput
        className="input sw-list"
        {...props.inputProps}
        placeholder="comma-separated, e.g. 0.001, 0.01, 0.1"
        value={list}
        format={formatList}
        parse={(t) => parseList(t, field.kind)}
        onCommit={props.onChange}
      />
      <span className="help">{list.length} value{list.length === 1 ? "" : "s"}</span>
    </div>
  );
}

function DistributionInputs(props: {
  field: RunField;
  spec: Record<string, unknown>;
  onChange: (spec: unknown) => void;
  inv: (sub: string) => InputProps;
}) {
  const { field, spec } = props;
  const distribution = (distributionOf(spec) ?? "uniform") as Distribution;
  const options = distributionsFor(field);
  const keys = (DISTRIBUTION_KEYS[distribution] ?? []) as readonly string[];
  return (
    <div className="row sw-dist">
      <select
        className="input"
        aria-label={`${field.key} distribution`}
        {...props.inv("distribution")}
        value={distribution}
        onChange={(e) => props.onChange(withDistribution(field, spec, e.target.value as Distribution))}
      >
        {!options.includes(distribution) && <option value={distribution}>{distribution}</option>}
        {options.map((d) => (
          <option key={d} value={d}>
            {DIST_LABELS[d] ?? d}
          </option>
        ))}
      </select>
      {keys.map((k) => (
        <label key={k} className="sw-inline">
          <span>{k}</span>
          <DraftInput
            className="input sw-num"
            {...props.inv(k)}
            inputMode="decimal"
            value={spec[k]}
            format={showScalar}
            parse={(t) => parseScalar(t, "number")}
            onCommit={(v) => props.onChange({ ...spec, distribution, [k]: v })}
          />
        </label>
      ))}
      {distribution === "log_uniform" && <span className="help">min/max are natural-log exponents: values are e^min … e^max</span>}
    </div>
  );
}
