"use client";
import { useMemo, useState } from "react";
import { activationColor, CELL_FEATURES, rankCells, type CellFeature } from "../../../_lib/cells";
import { formatNumber } from "../../../_lib/format";
import styles from "./run.module.css";

// The hidden-cell viewer ("quote detector"): activations of one cell over a text, each
// character coloured (red positive, blue negative), and the cells ranked by how well they
// track a simple feature of the text, so the interpretable ones are one click away.

const PRESETS = [
  { label: "Dialogue with quotes", text: 'He said, "I will not go." She replied, "Then stay, and be quiet."\nThe king looked up: "Who speaks?"' },
  { label: "Verse", text: "To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\nThe slings and arrows of outrageous fortune," },
  { label: "Code-like", text: "if (x > 0) {\n  return f(x, y);\n}\nelse { return 0; }" },
];

interface Acts {
  chars: string[];
  hidden: number[][];
  cell: number[][] | null;
  layers: number;
}

export function CellViewer(props: { runId: string; layers: number; cellType: string }) {
  const [text, setText] = useState(PRESETS[0].text);
  const [layer, setLayer] = useState(0);
  const [acts, setActs] = useState<Acts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [which, setWhich] = useState<"hidden" | "cell">("cell");
  const [feature, setFeature] = useState<CellFeature>("quotes");
  const [chosen, setChosen] = useState<number | null>(null);

  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/runs/${props.runId}/activations?${new URLSearchParams({ text, layer: String(layer) })}`);
      const body = (await res.json()) as Acts & { error?: string };
      if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
      setActs(body);
      setChosen(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const matrix = acts ? (which === "cell" && acts.cell ? acts.cell : acts.hidden) : null;
  const ranked = useMemo(() => (matrix && acts ? rankCells(matrix, acts.chars, feature) : []), [matrix, acts, feature]);
  const cell = chosen ?? ranked[0]?.cell ?? null;

  return (
    <div data-testid="cell-viewer">
      <p className={styles.hint}>
        Type or pick a text, press Show, then pick a cell. Cells are ranked by |correlation| with the chosen feature (or by variance) — the
        “inside quotes” ranking finds Karpathy’s quote detector when the model has one.
      </p>
      <div className="row" style={{ marginBottom: 8 }}>
        {PRESETS.map((p) => (
          <button key={p.label} type="button" className="btn btn-sm" onClick={() => setText(p.text)}>
            {p.label}
          </button>
        ))}
      </div>
      <textarea className="input" rows={4} style={{ width: "100%" }} value={text} onChange={(e) => setText(e.target.value)} aria-label="Text" data-testid="cell-text-input" maxLength={2000} />
      <div className="row" style={{ margin: "8px 0 14px" }}>
        {props.layers > 1 && (
          <select className="input" value={layer} onChange={(e) => setLayer(Number(e.target.value))} aria-label="Layer">
            {Array.from({ length: props.layers }, (_, i) => (
              <option key={i} value={i}>
                layer {i + 1}
              </option>
            ))}
          </select>
        )}
        {props.cellType === "lstm" && (
          <select className="input" value={which} onChange={(e) => setWhich(e.target.value as "hidden" | "cell")} aria-label="State">
            <option value="cell">cell state tanh(c)</option>
            <option value="hidden">hidden state h</option>
          </select>
        )}
        <button type="button" className="btn btn-primary" onClick={load} disabled={busy || text.length === 0} data-testid="cell-show">
          {busy ? "Running the model…" : "Show activations"}
        </button>
      </div>
      {error && (
        <div className="alert" role="alert" data-testid="cell-error">
          {error}
        </div>
      )}
      {acts && matrix && (
        <div className={styles.cellGrid}>
          <div>
            <label className="field" style={{ marginBottom: 6 }}>
              Rank cells by
              <select className="input" value={feature} onChange={(e) => {
                  setFeature(e.target.value as CellFeature);
                  setChosen(null);
                }} data-testid="cell-feature">
                {CELL_FEATURES.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.label}
                  </option>
                ))}
              </select>
            </label>
            <ul className={styles.cellList} data-testid="cell-ranking">
              {ranked.slice(0, 40).map((r) => (
                <li key={r.cell}>
                  <button type="button" aria-pressed={r.cell === cell} onClick={() => setChosen(r.cell)} data-testid="cell-option" data-cell={r.cell}>
                    <span>cell {r.cell}</span>
                    <span className="faint">{feature === "variance" ? `var ${formatNumber(r.value, 2)}` : `r = ${formatNumber(r.value, 2)}`}</span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
          <div>
            <div className="row" style={{ justifyContent: "space-between", marginBottom: 6 }}>
              <strong>cell {cell}</strong>
              <span className="faint" style={{ fontSize: 12 }}>
                <span style={{ background: activationColor(-1), padding: "0 6px" }}>−1</span> <span style={{ padding: "0 6px" }}>0</span>{" "}
                <span style={{ background: activationColor(1), padding: "0 6px" }}>+1</span>
              </span>
            </div>
            <div className={styles.cellText} data-testid="cell-text">
              {acts.chars.map((c, t) => {
                const a = cell === null ? 0 : matrix[t][cell];
                return (
                  <span key={t} style={{ background: activationColor(a) }} title={`${JSON.stringify(c)} → ${a.toFixed(3)}`}>
                    {c === "\n" ? "↵\n" : c}
                  </span>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
