"use client";
import type { SweepIssue } from "../../../sweeps/config";
import { appliesUnder, FIELD_GROUPS, formField, RUN_FIELDS, specForMode } from "../../_lib/sweep-form";
import { ParamRow } from "./ParamRow";

// The sweep's parameters: one row per RunConfig key it names; everything else keeps its
// default. "Add parameter" lists the remaining RunConfig keys by group; a key comes in Fixed at
// its default (a choice with every option ticked would multiply the grid unasked). The same
// list edits the sub-parameters under a choice (base: parameters.optimizer.choices.momentum),
// and both offer only the keys that apply under the choices made (appliesUnder).

export function ParamList(props: {
  params: Record<string, unknown>;
  /** the path of these parameters in the config: "parameters", or under a choice */
  base?: string;
  /** the choices made above this list (parameter → choice) */
  chosen?: Record<string, string>;
  issues: readonly SweepIssue[];
  warnings?: readonly SweepIssue[];
  onChange: (params: Record<string, unknown>) => void;
  corpora?: readonly string[];
}) {
  const corpora = props.corpora ?? [];
  const { params, onChange } = props;
  const base = props.base ?? "parameters";
  const names = Object.keys(params);
  const setParam = (key: string, spec: unknown) => {
    const next = { ...params };
    if (spec === undefined) delete next[key];
    else next[key] = spec;
    onChange(next);
  };
  const free = RUN_FIELDS.filter((f) => !(f.key in params) && appliesUnder(f.key, { ...params, ...props.chosen }));
  return (
    <div className="sw-params">
      {names.length === 0 && base === "parameters" && <p className="muted sw-none">No parameters yet: add one below. Every RunConfig key not named here keeps its default.</p>}
      {names.map((name) => (
        <ParamRow
          key={name}
          name={name}
          base={base}
          chosen={props.chosen ?? {}}
          corpora={corpora}
          field={formField(name, corpora)}
          spec={params[name]}
          issues={props.issues}
          warnings={props.warnings}
          onChange={(spec) => setParam(name, spec)}
          onRemove={() => setParam(name, undefined)}
        />
      ))}
      <div className="row sw-add">
        <label className="sw-sr-only" htmlFor={`sweep-add-${base}`}>
          Add parameter
        </label>
        <select
          id={`sweep-add-${base}`}
          className="input"
          data-testid={base === "parameters" ? "add-param" : `add-param-${base}`}
          value=""
          onChange={(e) => {
            const field = formField(e.target.value, corpora);
            if (field) setParam(field.key, specForMode(field, "value"));
          }}
        >
          <option value="">+ Add parameter…</option>
          {FIELD_GROUPS.map((g) => {
            const fields = free.filter((f) => f.group === g);
            return fields.length === 0 ? null : (
              <optgroup key={g} label={g}>
                {fields.map((f) => (
                  <option key={f.key} value={f.key}>
                    {f.key} — {f.description}
                  </option>
                ))}
              </optgroup>
            );
          })}
        </select>
        <span className="help">{base === "parameters" ? `${RUN_FIELDS.length - names.length} other keys keep their defaults` : "parameters only this choice's runs have"}</span>
      </div>
    </div>
  );
}
