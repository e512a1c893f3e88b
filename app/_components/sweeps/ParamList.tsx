"use client";
import type { SweepIssue } from "../../../sweeps/config";
import { FIELD_GROUPS, formField, paramsOf, RUN_FIELDS, setParam, specForMode, type SweepDoc } from "../../_lib/sweep-form";
import { ParamRow } from "./ParamRow";

// The sweep's parameters: one row per RunConfig key it names; everything else keeps its
// default. "Add parameter" lists the remaining RunConfig keys by group; a key comes in Fixed at
// its default (a choice with every option ticked would multiply the grid unasked).

export function ParamList(props: { doc: SweepDoc; issues: readonly SweepIssue[]; warnings?: readonly SweepIssue[]; onChange: (doc: SweepDoc) => void; corpora?: readonly string[] }) {
  const corpora = props.corpora ?? [];
  const { doc, onChange } = props;
  const params = paramsOf(doc);
  const names = Object.keys(params);
  const free = RUN_FIELDS.filter((f) => !(f.key in params));
  return (
    <div className="sw-params">
      {names.length === 0 && <p className="muted sw-none">No parameters yet: add one below. Every RunConfig key not named here keeps its default.</p>}
      {names.map((name) => (
        <ParamRow
          key={name}
          name={name}
          field={formField(name, corpora)}
          spec={params[name]}
          issues={props.issues}
          warnings={props.warnings}
          onChange={(spec) => onChange(setParam(doc, name, spec))}
          onRemove={() => onChange(setParam(doc, name, undefined))}
        />
      ))}
      <div className="row sw-add">
        <label className="sw-sr-only" htmlFor="sweep-add-param">
          Add parameter
        </label>
        <select
          id="sweep-add-param"
          className="input"
          data-testid="add-param"
          value=""
          onChange={(e) => {
            const field = formField(e.target.value, corpora);
            if (field) onChange(setParam(doc, field.key, specForMode(field, "value")));
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
        <span className="help">{RUN_FIELDS.length - names.length} other keys keep their defaults</span>
      </div>
    </div>
  );
}
