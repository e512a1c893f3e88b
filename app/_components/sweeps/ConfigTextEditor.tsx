"use client";
import type { SweepIssue } from "../../../sweeps/config";
import { compactIssues, lineOfPath } from "../../_lib/sweep-form";

// The YAML/JSON tab: a W&B sweep config pasted as-is. Problems are listed with their path
// and line, from the same schema the server uses.

export function ConfigTextEditor(props: {
  text: string;
  format: "yaml" | "json";
  issues: readonly SweepIssue[];
  onText: (text: string) => void;
  onFormat: (format: "yaml" | "json") => void;
}) {
  const lines = props.text.split("\n").length;
  const { issues, keyList } = compactIssues(props.issues);
  return (
    <div className="sw-text">
      <div className="sw-text-bar">
        <span className="help">Paste a W&amp;B sweep config (YAML or JSON) as-is; the form follows it.</span>
        <div className="sw-seg" role="radiogroup" aria-label="Show as">
          {(["yaml", "json"] as const).map((f) => (
            <button key={f} type="button" role="radio" aria-checked={props.format === f} className="sw-seg-btn" onClick={() => props.onFormat(f)}>
              {f.toUpperCase()}
            </button>
          ))}
        </div>
      </div>
      <textarea
        className="input sw-textarea"
        aria-label="Sweep config (YAML or JSON)"
        data-testid="config-text"
        spellCheck={false}
        rows={Math.min(32, Math.max(16, lines + 2))}
        value={props.text}
        aria-invalid={props.issues.length > 0 || undefined}
        aria-describedby="sweep-text-issues"
        onChange={(e) => props.onText(e.target.value)}
      />
      <div id="sweep-text-issues" data-testid="text-issues">
        {issues.length === 0 ? (
          <div className="sw-ok">✓ Valid sweep config</div>
        ) : (
          <ul className="sw-issue-list" role="alert">
            {issues.map((i, n) => {
              const line = lineOfPath(props.text, i.path);
              return (
                <li key={n}>
                  <span className="sw-line">{line !== null ? `line ${line}` : ""}</span>
                  <span>
                    {i.path && <code>{i.path}</code>} {i.message}
                  </span>
                </li>
              );
            })}
            {keyList && <li className="sw-keylist">Parameters must be RunConfig keys: {keyList}.</li>}
          </ul>
        )}
      </div>
    </div>
  );
}
