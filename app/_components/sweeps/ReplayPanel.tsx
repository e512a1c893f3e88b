"use client";
import { useState } from "react";
import type { EarlyTerminate } from "../../../sweeps/config";
import { formFromSettings, requestFromForm, type ReplayForm } from "../../_lib/pruning-replay";
import type { ReplayBody } from "../../sweeps/replay";
import { Card, ErrorBox } from "../ui";
import { ReplayResults } from "./ReplayResults";

// Pruning replay (issue 14): early termination with other settings over the sweep's stored
// curves, by the executor's own rule code (POST /api/sweeps/:id/replay), beside what happened.

interface ApiError {
  error: string;
  issues: { path: string; message: string }[];
}

export function ReplayPanel(props: { sweepId: string; own: EarlyTerminate | null }) {
  const [form, setForm] = useState<ReplayForm>(() => formFromSettings(props.own));
  const [result, setResult] = useState<ReplayBody | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<ReplayForm>) => setForm((f) => ({ ...f, ...change }));
  const invalid = (name: string) => Boolean(failure?.issues.some((i) => i.path === `early_terminate.${name}`));

  async function replay(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const res = await fetch(`/api/sweeps/${props.sweepId}/replay`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ early_terminate: requestFromForm(form) }),
      });
      const body = (await res.json().catch(() => null)) as (ReplayBody & ApiError) | null;
      if (res.ok && body) {
        setResult(body);
        setFailure(null);
      } else setFailure({ error: body?.error ?? `the server answered ${res.status}`, issues: body?.issues ?? [] });
    } catch (error) {
      setFailure({ error: (error as Error).message, issues: [] });
    }
    setBusy(false);
  }

  const num = (name: "eta" | "min_iter" | "max_iter" | "s" | "min_runs", label: string, title: string) => (
    <label className="field sw-replay-field" title={title}>
      {label}
      <input className="input" name={name} inputMode="decimal" value={form[name]} aria-invalid={invalid(name)} onChange={(e) => set({ [name]: e.target.value })} />
    </label>
  );

  return (
    <Card
      testId="replay-panel"
      title={
        <>
          Pruning replay <span className="muted sw-title-note">early termination with other settings, on the stored curves</span>
        </>
      }
    >
      <form className="sw-replay-form" onSubmit={replay} aria-label="Replay settings">
        <label className="field sw-replay-field">
          Rule
          <select className="input" name="type" value={form.type} onChange={(e) => set({ type: e.target.value as ReplayForm["type"] })}>
            <option value="hyperband">hyperband</option>
            <option value="median">median</option>
          </select>
        </label>
        {form.type === "hyperband" ? (
          <>
            {num("eta", "eta", "Keep the best 1/eta of runs at each bracket")}
            {num("min_iter", "min_iter", "First bracket, in evaluations; brackets go on min_iter · eta^k")}
            {num("max_iter", "max_iter", "Last evaluation: brackets are max_iter / eta^k, k = 1..s (wins over min_iter)")}
            {num("s", "s", "Brackets below max_iter")}
            <label className="field sw-replay-check" title="Judge a run by its value at the bracket (W&B's default), or by its best so far">
              <span>
                <input type="checkbox" name="strict" checked={form.strict} onChange={(e) => set({ strict: e.target.checked })} /> strict
              </span>
            </label>
          </>
        ) : (
          <>
            {num("min_iter", "min_iter", "Evaluations before a run can be stopped")}
            {num("min_runs", "min_runs", "Other runs that must have reached the same evaluation")}
          </>
        )}
        <button type="submit" className="btn btn-primary btn-sm" disabled={busy} data-testid="replay-submit">
          {busy ? "Replaying…" : "Replay"}
        </button>
      </form>
      {failure && (
        <div className="sw-gap" data-testid="replay-error">
          <ErrorBox title="These settings cannot be replayed.">{failure.error}</ErrorBox>
        </div>
      )}
      {result ? (
        <ReplayResults body={result} />
      ) : (
        !failure && <p className="muted">Pick settings and press Replay: the runs they would stop, the training they save and whether the best run survives, beside what this sweep did.</p>
      )}
    </Card>
  );
}
