"use client";
import Link from "next/link";
import { summaryNumber, type StoredSummary } from "../../../../sweeps/summary";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import type { RunLiveData } from "../../../runs/[id]/data";
import { LOG_LINES, mergeLogTail } from "../../../_lib/log-tail";
import { mergeRunSeries, runSeriesQuery } from "../../../_lib/run-series";
import { heldRowsQuery, liveRowsDigest, mergeLiveRows } from "../../../_lib/live-rows";
import { usePoll } from "../../usePoll";
import { mayBeHeardAgain } from "../../../../sweeps/logging-api";
import { colorOf, runColors } from "../../../_lib/colors";
import { typicalRate } from "../../../_lib/curves";
import { formatBytes, formatDuration, formatKeyValue, formatNumber, formatRate, formatTime } from "../../../_lib/format";
import type { CorpusRecord } from "../../../../prisma/store/corpora";
import { parseSmoothing, SMOOTHING_RANGES, type Smoothing } from "../../../_lib/smoothing";
import { Badge, Stat } from "../../ui";
import { Tabs } from "../../ui/Tabs";
import { ConfirmButton } from "../../ui/ConfirmButton";
import { Housekeeping } from "../../housekeeping/Housekeeping";
import { CellViewer } from "./CellViewer";
import { RunCopyActions } from "./RunCopyActions";
import { RunFork } from "./RunFork";
import { Diagnostics } from "./Diagnostics";
import { RunCharts } from "./RunCharts";
import { RunLogs } from "./RunLogs";
import styles from "./run.module.css";
import { APPLIES_WHEN, type RunConfigKey } from "../../../../engine/config";
import { validationFirst } from "../../../_lib/curve-columns";

/** Why a key did not apply: "applies only when optimizer is momentum". */
function notAppliedReason(key: string): string {
  const when = APPLIES_WHEN[key as RunConfigKey];
  return when ? `did not apply: ${key} applies only when ${when.key} is ${when.values.join(" or ")}` : `did not apply to this run`;
}

// The run page: header with stop / re-run, headline numbers, and tabs (charts, diagnostics,
// samples, logs, config, cells). Polls GET /api/runs/:id/live (usePoll) while the run is
// queued or running (and slowly while a program's run that may run again is crashed); the tab
// and smoothing live in the URL.

const LIVE = new Set(["queued", "running"]);
type Tab = "charts" | "diagnostics" | "samples" | "logs" | "config" | "cells";

/** From the engine's task module: the config keys that shape this run (null: all), and what its throughput counts. */
export interface TaskFacts {
  applied: string[] | null;
  unit: "tokens" | "examples";
}

export function RunView(props: { initial: RunLiveData; sweepName: string | null; tab: Tab; smooth: string | null; task: TaskFacts; corpus?: CorpusRecord | null; hasCheckpoint?: boolean }) {
  const router = useRouter();
  const [data, setData] = useState(props.initial);
  const [tab, setTab] = useState<Tab>(props.tab);
  const [smoothing, setSmoothing] = useState<Smoothing>(parseSmoothing(props.smooth ?? "ema:0.6"));
  const [action, setAction] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const { run } = data;
  const live = LIVE.has(run.state);

  const latest = useRef(data);
  latest.current = data;
  const tick = useCallback(async () => {
    const held = latest.current;
    const lastLog = held.logs[held.logs.length - 1]?.id ?? 0;
    // the curves' points after what the page holds (or whole: run-series.ts); the samples and
    // diagnostics stored after those it holds (or all: live-rows.ts)
    // the count of the lines up to there goes on from the page's own (the server counts only what it adds)
    const query = [`after=${lastLog}&logs=${held.logCount}`, runSeriesQuery(held.series), heldRowsQuery("samples", held.samples), heldRowsQuery("diagnostics", held.diagnostics)];
    const res = await fetch(`/api/runs/${run.id}/live?${query.filter(Boolean).join("&")}`, { cache: "no-store" }).catch(() => null);
    if (!res?.ok) return;
    const next = (await res.json()) as RunLiveData;
    // the console keeps its last LOG_LINES lines, as the first read brings (a late poll's repeats dropped)
    setData((prev) => ({
      ...next,
      series: mergeRunSeries(prev.series, next),
      samples: mergeLiveRows(prev.samples, next.samples, next.samplesAfter),
      diagnostics: mergeLiveRows(prev.diagnostics, next.diagnostics, next.diagnosticsAfter),
      logs: mergeLogTail(prev.logs, next.logs, LOG_LINES),
      // each answer counts the lines up to its newest; one that came late (its lines already held) counts fewer
      logCount: Math.max(prev.logCount, next.logCount),
    }));
  }, [run.id]);
  // the live views' loop: LIVE_MS while the run is queued or running, slower in a hidden tab, stopped when it ends —
  // except a program's run crashed for its client's silence outside a sweep, asked after at the idle cadence: its client
  // may be heard from again (a laptop woken up), and the server then runs it again
  usePoll(tick, { enabled: live || mayBeHeardAgain(run), live: () => LIVE.has(latest.current.run.state) });

  useEffect(() => {
    const q = new URLSearchParams(window.location.search);
    if (tab === "charts") q.delete("tab"); else q.set("tab", tab);
    q.set("smooth", `${smoothing.kind}:${smoothing.amount}`);
    window.history.replaceState(window.history.state, "", `?${q.toString().replace(/%3A/g, ":")}`);
  }, [tab, smoothing]);

  const post = async (what: "stop" | "rerun") => {
    setAction(what);
    setActionError(null);
    try {
      const res = await fetch(`/api/runs/${run.id}/${what}`, { method: "POST" });
      const body = (await res.json().catch(() => ({}))) as { error?: string; id?: string; run?: { id: string } };
      if (!res.ok) throw new Error(res.status === 404 && !body.error ? `the ${what} endpoint is not available` : body.error ?? `HTTP ${res.status}`);
      if (what === "rerun") {
        const id = body.run?.id ?? body.id;
        if (id) router.push(`/runs/${id}`);
      } else setData((d) => ({ ...d, run: { ...d.run, stopRequested: true, ...(body.run ?? {}) } }));
    } catch (e) {
      setActionError(e instanceof Error ? e.message : String(e));
    } finally {
      setAction(null);
    }
  };

  const s = run.summary;
  const isCharlm = run.config.task === "charlm";
  const program = run.kind === "program";
  const tabs: { id: Tab; label: string }[] = [
    { id: "charts", label: "Charts" },
    ...(program ? [] : [{ id: "diagnostics" as Tab, label: "Gradient flow" }]),
    ...(isCharlm ? [{ id: "samples" as Tab, label: `Samples (${data.samples.length})` }] : []),
    { id: "logs", label: "Logs" },
    { id: "config", label: "Config" },
    ...(isCharlm ? [{ id: "cells" as Tab, label: "Cells" }] : []),
  ];
  const swept = new Set(Object.keys(run.params));
  const applied = props.task.applied ? new Set(props.task.applied) : null;
  // keys that apply only under a choice (engine/config.ts APPLIES_WHEN) stay in the list, greyed when the run did not make it
  const configShown = Object.entries(run.config).filter(([k]) => !applied || applied.has(k) || swept.has(k) || k in APPLIES_WHEN);
  const unused = (k: string) => applied !== null && !applied.has(k);
  const configHidden = Object.keys(run.config).filter((k) => !configShown.some(([s]) => s === k));
  const rate = typicalRate((data.series.throughput ?? []).map((p) => p.value));
  const rateUnit = props.task.unit === "examples" ? "examples/s" : "tok/s";
  // a view of one run: it takes the view's first colour, in the header and on every chart
  const color = colorOf(runColors([run.id]), run.id);

  return (
    <div data-testid="run-page" data-state={run.state}>
      <div className="page-header">
        <div>
          <h1 className="row" style={{ gap: 10 }}>
            <span className="swatch" style={{ background: color, width: 14, height: 14 }} data-testid="run-swatch" data-color={color} />
            <span data-testid="run-name">{run.name}</span>
            <span className="faint mono" style={{ fontWeight: 400, fontSize: 13 }}>{run.id}</span>
            <Badge state={run.state} />
          </h1>
          <div className="subtitle">
            {run.project !== "default" && <span data-testid="run-project">project <Link href={`/?project=${encodeURIComponent(run.project)}`}>{run.project}</Link> · </span>}
            {run.sweepId ? <>Sweep <Link href={`/?sweep=${run.sweepId}`}>{props.sweepName ?? run.sweepId}</Link> · </> : null}
            {program && <>logged by its program · </>}
            created {formatTime(run.createdAt)}
            {isCharlm && <CorpusLine name={String(run.config.corpus ?? "builtin")} corpus={props.corpus ?? null} />}
            {run.forkOf && (
              <span data-testid="fork-of">
                {" · fork of "}
                <Link href={`/runs/${run.forkOf}`}>{run.forkOf}</Link> at step {run.forkStep} (<Link href={`/compare?runs=${run.forkOf},${run.id}&metrics=val_loss,train_loss`}>compare curves</Link>)
              </span>
            )}
            {run.rerunOf && (
              <>
                {" · re-run of "}
                <Link href={`/runs/${run.rerunOf}`}>{run.rerunOf}</Link> (<Link href={`/compare?runs=${run.rerunOf},${run.id}&metrics=val_loss,train_loss`} data-testid="compare-original">compare curves</Link>)
              </>
            )}
          </div>
        </div>
        <div className="row">
          {live && (
            <ConfirmButton
              testId="stop-run"
              confirmTestId="confirm-stop"
              groupLabel="Confirm stop"
              disabled={action !== null || run.stopRequested}
              question="Stop this run? It ends where it is and does not resume."
              confirmLabel="Stop run"
              onConfirm={() => post("stop")}
            >
              {run.stopRequested ? "Stopping…" : "Stop…"}
            </ConfirmButton>
          )}
          {!program && (
            <button type="button" className="btn" onClick={() => post("rerun")} disabled={action !== null} data-testid="rerun" title="Queue a new run with this run's exact config and seed">
              {action === "rerun" ? "Queuing…" : "Re-run with same seed"}
            </button>
          )}
          {!live && props.hasCheckpoint && props.task.applied !== null && <RunFork runId={run.id} config={run.config} step={run.checkpointStep ?? run.lastStep} />}
          <Link className="btn" href={`/compare?runs=${run.id}`}>
            Compare…
          </Link>
        </div>
      </div>
      <Housekeeping
        kind="run"
        id={run.id}
        meta={run}
        live={live}
        onSaved={(meta) => setData((d) => ({ ...d, run: { ...d.run, ...meta } }))}
      />
      {actionError && <div className="alert" role="alert" style={{ marginBottom: 12 }}>{actionError}</div>}
      {run.error && (
        <div className="alert" role="alert" style={{ marginBottom: 12 }} data-testid="run-error">
          {run.error}
        </div>
      )}
      <div className={`card ${styles.stats}`} style={{ marginBottom: 14 }}>
        <Stat label="Step" value={<span data-testid="run-step">{`${formatNumber(run.lastStep)}${typeof run.config.steps === "number" ? ` / ${formatNumber(run.config.steps)}` : ""}`}</span>} />
        {program ? (
          <>
            {headlineMetrics(s).map((k) => (
              <Stat key={k} label={`Best ${k}`} value={<>{formatNumber(s[`${k}_best`])} <span className="faint" style={{ fontSize: 12, fontWeight: 400 }}>@ {formatNumber(s[`${k}_best_step`])}</span></>} />
            ))}
            <Stat label="Runtime" value={formatDuration(run.runtime)} />
          </>
        ) : (
          <>
        <Stat label="Best val_loss" value={s.val_loss_best != null ? <>{formatNumber(s.val_loss_best)} <span className="faint" style={{ fontSize: 12, fontWeight: 400 }}>@ {formatNumber(s.val_loss_best_step)}</span></> : "–"} />
        <Stat label="train_loss" value={formatNumber(s.train_loss)} />
        <Stat label="train–val gap" value={s.val_loss != null && s.train_loss != null ? formatNumber(summaryNumber(s.val_loss)! - summaryNumber(s.train_loss)!) : "–"} />
        <Stat label="Runtime" value={formatDuration(run.runtime)} />
        <Stat
          label={run.divergedAt !== null ? "Diverged at" : "Throughput (median)"}
          value={run.divergedAt !== null ? `step ${run.divergedAt}` : rate !== null ? <span data-testid="run-throughput">{`${formatRate(rate)} ${rateUnit}`}</span> : "–"}
        />
          </>
        )}
      </div>
      <Tabs tabs={tabs} value={tab} onChange={setTab} label="Run views" />
      {/* test hook: the samples and diagnostics the page holds, as count:digest (e2e/run-live-logs) */}
      <div hidden data-testid="run-rows-held" data-samples={liveRowsDigest(data.samples)} data-diagnostics={liveRowsDigest(data.diagnostics)} />
      {tab === "charts" && (
        <>
          <div className="row" style={{ marginBottom: 10, fontSize: 13 }}>
            <span className="muted">Smoothing (EMA)</span>
            <input type="range" min={0} max={SMOOTHING_RANGES.ema.max} step={0.01} value={smoothing.kind === "ema" ? smoothing.amount : 0} onChange={(e) => setSmoothing({ kind: "ema", amount: Number(e.target.value) })} aria-label="Smoothing" />
            <span className="mono muted">{smoothing.kind === "ema" ? smoothing.amount.toFixed(2) : "0"}</span>
            {live && <span className="badge badge-running" style={{ marginLeft: 8 }}>live</span>}
            <span className="row" style={{ marginLeft: "auto", gap: 6 }} title="Every point the run logged, one row per step (step, time in seconds since the start, a column per metric)">
              <a className="btn btn-sm" href={`/api/runs/${run.id}/metrics.csv`} download data-testid="download-metrics-csv">
                Metrics CSV
              </a>
              <a className="btn btn-sm" href={`/api/runs/${run.id}/metrics.jsonl`} download data-testid="download-metrics-jsonl">
                JSON lines
              </a>
            </span>
          </div>
          {/* test hook: what the page holds of each series, name:points:last step (e2e/run-live-logs) */}
          <div hidden data-testid="run-curves-held" data-ends={Object.entries(data.series).map(([k, p]) => `${k}:${p.length}:${p.at(-1)?.step ?? ""}`).join(",")} />
          <RunCharts runId={run.id} color={color} state={run.state} series={data.series} smoothing={smoothing} throughput={rate === null ? null : { median: rate, unit: rateUnit }} />
        </>
      )}
      {tab === "diagnostics" && <Diagnostics runId={run.id} diagnostics={data.diagnostics} />}
      {tab === "samples" && (
        <div className="card">
          <div className="card-body">
            {data.samples.length === 0 ? (
              <p className="muted">No samples yet — a charlm run logs one every sample_every steps.</p>
            ) : (
              <div className={styles.samples} data-testid="samples">
                {data.samples.map((x) => (
                  <div key={x.id} className={styles.sample} data-testid="sample" data-step={x.step}>
                    <span className={styles.sampleStep}>
                      step {formatNumber(x.step)}
                      <br />
                      <span className="faint">{x.temperature === 0 ? "greedy" : `T=${x.temperature}`}</span>
                    </span>
                    <pre>{x.text}</pre>
                  </div>
                ))}
              </div>
            )}
          </div>
        </div>
      )}
      {tab === "logs" && <RunLogs runId={run.id} logs={data.logs} logCount={data.logCount} live={live} />}
      {tab === "config" && (
        <div className="card">
          <div className="card-body">
            <RunCopyActions runId={run.id} config={run.config} engineRun={!program && props.task.applied !== null} hasCheckpoint={props.hasCheckpoint ?? false} />
            <div className={styles.config} data-testid="config">
              {configShown.map(([k, v]) => (
                <div key={k} className={unused(k) ? styles.unused : undefined} data-applied={unused(k) ? "false" : undefined} title={unused(k) ? notAppliedReason(k) : undefined}>
                  <span className={`${styles.key} ${swept.has(k) ? styles.swept : ""}`} title={swept.has(k) && !unused(k) ? "chosen by the sweep" : undefined}>
                    {k}
                  </span>
                  <span className="mono" data-key={k}>{configText(k, v)}</span>
                </div>
              ))}
            </div>
            {program && <SummaryList summary={run.summary} />}
            {configHidden.length > 0 && (
              <p className="help" data-testid="config-not-applied">
                Not used by a {String(run.config.task)} run{run.config.task !== "quadrant" && run.config.cell ? ` with ${String(run.config.cell)} cells` : ""}: {configHidden.join(", ")}.
              </p>
            )}
          </div>
        </div>
      )}
      {tab === "cells" && (
        <div className="card">
          <div className="card-body">
            <CellViewer runId={run.id} layers={Number(run.config.num_layers ?? 1)} cellType={String(run.config.cell)} />
          </div>
        </div>
      )}
    </div>
  );
}

/** A program run's headline: up to four metrics whose best value the summary tracks (losses, accuracies), validation first. */
function headlineMetrics(summary: StoredSummary): string[] {
  return Object.keys(summary)
    .filter((k) => `${k}_best` in summary)
    .sort(validationFirst)
    .slice(0, 4);
}

/** A program run's summary, every key: what it set and what its metrics ended at. */
function SummaryList(props: { summary: StoredSummary }) {
  const entries = Object.entries(props.summary).filter(([k]) => !k.startsWith("_")).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  return (
    <>
      <h3 style={{ margin: "14px 0 6px", fontSize: 14 }}>Summary</h3>
      <div className={styles.config} data-testid="summary">
        {entries.map(([k, v]) => (
          <div key={k}>
            <span className={styles.key}>{k}</span>
            <span className="mono">{v === null ? "NaN" : formatKeyValue(k, v, 17)}</span>
          </div>
        ))}
      </div>
    </>
  );
}

/** Which text a charlm run trained on: the corpus's name, size and sha256 (or that it is not one the app knows). */
function CorpusLine(props: { name: string; corpus: CorpusRecord | null }) {
  const { corpus } = props;
  return (
    <span data-testid="run-corpus" data-sha256={corpus?.sha256}>
      {" · corpus "}
      {corpus ? (
        <>
          <Link href={`/corpora#corpus-${corpus.name}`} className="mono">{corpus.name}</Link>
          <span className="faint" title={`sha256 ${corpus.sha256}`}>
            {" "}({formatBytes(corpus.size)}, sha256 {corpus.sha256.slice(0, 12)}…)
          </span>
        </>
      ) : (
        <span className="mono" title="not a corpus the app knows: this run cannot be trained again">{props.name.slice(0, 60)} (not registered)</span>
      )}
    </span>
  );
}

/**
 * A config value on the Config tab, where a run's settings are looked up: a fraction in full, as
 * stored (learning_rate 0.025335805704032006, not 0.02534: the table rounds, this is the
 * reference); an integer as the tables write it (hidden_size 128, seed 1574409985, steps 3,000).
 */
function configText(key: string, v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? formatKeyValue(key, v) : String(v);
  return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
}
