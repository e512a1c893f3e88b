import { comparisonRows, describeSettings, formatShare, gridRows } from "../../_lib/pruning-replay";
import { formatNumber } from "../../_lib/format";
import type { PruningOutcome } from "../../../sweeps/stop/replay";
import type { ReplayBody } from "../../sweeps/replay";

// The answer of a pruning replay: what happened beside what the settings would have done, the
// runs either side stopped, and the eta × min_iter grid. Every number carries the API's value
// in data-value; the text is that value formatted.

function Outcome(props: { side: "actual" | "replay"; title: string; settings: string; o: PruningOutcome; metric: string }) {
  const { o } = props;
  return (
    <div className="sw-replay-side" data-testid={`replay-${props.side}`}>
      <h3>{props.title}</h3>
      <div className="muted sw-replay-settings">{props.settings}</div>
      <dl className="sw-replay-stats">
        <dt>Runs stopped</dt>
        <dd data-testid="stopped" data-value={o.stopped.length}>{o.stopped.length}</dd>
        <dt>Training steps saved</dt>
        <dd data-testid="steps-saved" data-value={o.steps_saved}>{formatShare(o.steps_saved)}</dd>
        <dt>Best run survives</dt>
        <dd data-testid="best-survived" data-value={String(o.best_survived)}>
          {o.best_survived === null ? "–" : o.best_survived ? "yes" : `no (${o.best_run?.name})`}
        </dd>
        <dt>Best {props.metric} reported</dt>
        <dd data-testid="best" data-value={o.best ?? ""}>{formatNumber(o.best)}</dd>
      </dl>
    </div>
  );
}

export function ReplayResults({ body }: { body: ReplayBody }) {
  const rows = comparisonRows(body);
  const grid = gridRows(body);
  return (
    <div className="sw-replay-results" data-testid="replay-results">
      <div className="grid-2">
        <Outcome side="actual" title="What happened" settings={describeSettings(body.own)} o={body.actual} metric={body.metric.name} />
        <Outcome side="replay" title="Replay" settings={describeSettings(body.early_terminate)} o={body} metric={body.metric.name} />
      </div>
      {rows.length === 0 ? (
        <p className="muted">Neither stops any of the {body.runs} runs.</p>
      ) : (
        <table className="sw-importance sw-replay-runs" data-testid="replay-runs">
          <thead>
            <tr>
              <th>Run</th>
              <th title="Where the live sweep stopped it (its last logged step)">What happened</th>
              <th title="The evaluation at which the replayed rule stops it, and the step it was logged at">Replay</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="replay-run" data-run={r.id}>
                <td>
                  <a href={`/runs/${r.id}`}>{r.name}</a>
                </td>
                <td data-testid="replay-run-actual" data-kind={r.actual.kind} data-value={r.actual.kind === "kept" ? "" : r.actual.step}>
                  {r.actual.kind === "pruned"
                    ? `pruned at step ${formatNumber(r.actual.step)}${r.actual.evaluation !== null ? ` (decided at evaluation ${r.actual.evaluation})` : ""}`
                    : r.actual.kind === "finished-first"
                      ? `finished: condemned at evaluation ${r.actual.evaluation} (step ${formatNumber(r.actual.step)}), its worker ended before the stop reached it`
                      : "kept"}
                </td>
                <td data-testid="replay-run-replay" title={r.replay.kind === "stopped" ? r.replay.reason : undefined} data-value={r.replay.kind === "stopped" ? r.replay.step : ""}>
                  {r.replay.kind === "stopped"
                    ? `stopped at evaluation ${r.replay.evaluation} (step ${formatNumber(r.replay.step)})`
                    : r.replay.kind === "unknown"
                      ? `kept past its stored curve (ends at step ${formatNumber(r.replay.lastStep)})`
                      : "kept"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="sw-gap sw-replay-grid-title">
        <strong>Hyperband grid</strong> <span className="muted">({body.grid.strict ? "strict" : "best so far"}) — each cell: runs stopped · steps saved · best run survives</span>
      </div>
      <table className="sw-replay-grid" data-testid="replay-grid">
        <thead>
          <tr>
            <th>eta \ min_iter</th>
            {body.grid.min_iters.map((m) => (
              <th key={m} className="num">
                {m}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.map((row) => (
            <tr key={row.eta}>
              <th>{row.eta}</th>
              {row.cells.map((c) => (
                <td
                  key={c.min_iter}
                  className={`num${c.current ? " sw-replay-current" : ""}`}
                  data-testid="grid-cell"
                  data-eta={c.eta}
                  data-min-iter={c.min_iter}
                  data-stopped={c.stopped}
                  data-steps-saved={c.steps_saved}
                  data-best-survived={String(c.best_survived)}
                  title={`best ${body.metric.name} reported: ${formatNumber(c.best)}${c.unknown ? `; ${c.unknown} run(s) pruned live would go on past their stored curve` : ""}`}
                >
                  {c.stopped} · {formatShare(c.steps_saved)} · {c.best_survived === null ? "–" : c.best_survived ? "✓" : "✗"}
                  {c.unknown > 0 && <span className="faint"> ?</span>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {body.grid.cells.some((c) => c.unknown > 0) && (
        <p className="faint sw-replay-note">? — a run the sweep pruned would go on past its stored curve: what it would have logged next is unknown (counted as training to its end).</p>
      )}
      <p className="faint sw-replay-note">
        The replay feeds the stored points to the executor&apos;s own rule in the order they were stored, so the sweep&apos;s own settings stop what it stopped. It keeps the runs
        that were and their order: saved time would have started later runs sooner, and a search that learns from results might have proposed others.
      </p>
    </div>
  );
}
