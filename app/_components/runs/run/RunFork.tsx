"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";

// "Fork…" on the run page: a new run that continues from this run's checkpoint with another
// learning rate or more steps (POST /api/runs/:id/fork); it opens once queued.

export function RunFork(props: { runId: string; config: Record<string, unknown>; step: number }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [lr, setLr] = useState(String(props.config.learning_rate ?? ""));
  const [steps, setSteps] = useState(String(Math.max(Number(props.config.steps ?? 0), props.step) * 2));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!open)
    return (
      <button type="button" className="btn" onClick={() => setOpen(true)} data-testid="fork" title="Continue from this run's checkpoint with changed settings">
        Fork…
      </button>
    );
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/runs/${props.runId}/fork`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ changes: { learning_rate: Number(lr), steps: Number(steps) } }),
      });
      const body = (await res.json().catch(() => ({}))) as { id?: string; error?: string };
      if (!res.ok || !body.id) throw new Error(body.error ?? `the server answered ${res.status}`);
      router.push(`/runs/${body.id}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <form
      className="sw-confirm"
      role="group"
      aria-label="Fork"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <span>From step {props.step}: learning_rate</span>
      <input className="input mono" value={lr} onChange={(e) => setLr(e.target.value)} style={{ width: 80, height: 24 }} data-testid="fork-lr" aria-label="Fork learning rate" />
      <span>steps</span>
      <input className="input mono" value={steps} onChange={(e) => setSteps(e.target.value)} style={{ width: 70, height: 24 }} data-testid="fork-steps" aria-label="Fork steps" />
      <button type="submit" className="btn btn-primary btn-sm" disabled={busy} data-testid="confirm-fork">
        Fork
      </button>
      <button type="button" className="btn btn-sm" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error && (
        <span role="alert" data-testid="fork-error">
          {error}
        </span>
      )}
    </form>
  );
}
