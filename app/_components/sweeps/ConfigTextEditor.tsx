"use client";
import { useRef } from "react";
import { PROGRAM_SWEEP_HINT, type SweepIssue } from "../../../sweeps/config";
import { issueLines, unknownParameterKeyList } from "../../_lib/sweep-form";

// The YAML/JSON tab: a W&B sweep config pasted as-is, with line numbers. Problems (and
// warnings) are listed by line, from the same schema the server uses; a click on one puts
// the cursor on its line.

export function ConfigTextEditor(props: {
  text: string;
  format: "yaml" | "json";
  issues: readonly SweepIssue[];
  warnings: readonly SweepIssue[];
  onText: (text: string) => void;
  onFormat: (format: "yaml" | "json") => void;
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = props.text.split("\n").length;
  const listed = issueLines(props.text, props.issues, props.warnings);
  const badLines = new Set(listed.filter((i) => !i.warning && i.line !== null).map((i) => i.line));
  const keyList = unknownParameterKeyList(props.issues);

  const goToLine = (line: number) => {
    const el = area.current;
    if (!el) return;
    const lines = props.text.split("\n");
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    const lineHeight = el.scrollHeight / Math.max(1, lineCount);
    el.scrollTop = Math.max(0, (line - 3) * lineHeight);
  };

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
      <div className="sw-editor">
        <div className="sw-gutter" ref={gutter} aria-hidden data-testid="line-numbers">
          {Array.from({ length: lineCount }, (_, i) => (
            <div key={i} data-bad={badLines.has(i + 1) || undefined}>
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          ref={area}
          className="input sw-textarea"
          aria-label="Sweep config (YAML or JSON)"
          data-testid="config-text"
          spellCheck={false}
          wrap="off"
          rows={Math.min(32, Math.max(16, lineCount + 2))}
          value={props.text}
          aria-invalid={props.issues.length > 0 || undefined}
          aria-describedby="sweep-text-issues"
          onChange={(e) => props.onText(e.target.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
      <div id="sweep-text-issues" data-testid="text-issues">
        {props.issues.length === 0 && <div className="sw-ok">✓ Valid sweep config</div>}
        {listed.length > 0 && (
          <ul className="sw-issue-list" role={props.issues.length > 0 ? "alert" : undefined} data-warnings-only={props.issues.length === 0 || undefined}>
            {listed.map((i, n) => (
              <li key={n} data-warning={i.warning || undefined}>
                {i.line !== null ? (
                  <button type="button" className="sw-line" onClick={() => goToLine(i.line!)}>
                    line {i.line}
                  </button>
                ) : (
                  <span className="sw-line" />
                )}
                <span>
                  {i.warning && <strong>warning: </strong>}
                  {i.path && <code>{i.path}</code>} {i.message}
                </span>
              </li>
            ))}
            {keyList && <li className="sw-keylist">Parameters must be RunConfig keys: {keyList}; {PROGRAM_SWEEP_HINT}.</li>}
          </ul>
        )}
      </div>
    </div>
  );
}
