import type { SweepIssue } from "../../../sweeps/config";
import { issueLabel } from "../../_lib/sweep-form";

/** DOM id of the input for a config path (also what error messages point at). */
export const fieldId = (path: string) => `sweep-${path.replace(/[^A-Za-z0-9_-]/g, "-")}`;
export const errorId = (path: string) => `${fieldId(path)}-error`;

/** Props that mark an input invalid and tie it to its messages. */
export function invalidProps(issues: readonly SweepIssue[], path: string, messagesAt = path) {
  const bad = issues.some((i) => i.path === path || i.path.startsWith(path + "."));
  return { id: fieldId(path), "data-testid": `field-${path}`, "aria-invalid": bad || undefined, "aria-describedby": bad ? errorId(messagesAt) : undefined } as const;
}

export function FieldErrors(props: { issues: readonly SweepIssue[]; path: string }) {
  if (props.issues.length === 0) return null;
  return (
    <div className="field-error" id={errorId(props.path)} data-testid={`error-${props.path}`} role="alert">
      {props.issues.map((i, n) => (
        <div key={n}>{issueLabel(i, props.path)}</div>
      ))}
    </div>
  );
}

/** Valid but probably unintended (a value listed twice): said on the field, never blocks a launch. */
export function FieldWarnings(props: { issues: readonly SweepIssue[]; path: string }) {
  if (props.issues.length === 0) return null;
  return (
    <div className="field-warning" data-testid={`warning-${props.path}`}>
      {props.issues.map((i, n) => (
        <div key={n}>{issueLabel(i, props.path)}</div>
      ))}
    </div>
  );
}
