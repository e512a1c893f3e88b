"use client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { RunRecord } from "../../../prisma/store/records";
import { isActive, tableSignature, withLiveValues, type SweepProgressBody } from "../../_lib/sweep-progress";
import { sweepRunsQuery } from "../../_lib/sweep-view";
import { usePoll } from "../usePoll";

// The sweep page's live data: polls the cheap progress endpoint (usePoll: ~1.5 s while the
// sweep is live, slower when hidden or ended) and refetches the run list only when the counts, the
// best run or the sweep state change — never the whole table per tick.

export function useSweepLive(sweepId: string, initial: { progress: SweepProgressBody; runs: RunRecord[] }) {
  const [progress, setProgress] = useState(initial.progress);
  const [fetchedAt, setFetchedAt] = useState(() => Date.now());
  const [runs, setRuns] = useState(initial.runs);
  /** when the run list was read (client clock): running runs' runtimes count on from it */
  const [runsAt, setRunsAt] = useState(() => Date.now());
  const [stale, setStale] = useState<string | null>(null);
  const [ticks, setTicks] = useState(0);
  const latest = useRef(progress);
  latest.current = progress;
  // An action (pause, resume, cancel) shows its state at once, before the server has it: a
  // progress answer asked for before it ends would put the old state back until the next tick.
  // `epoch` moves when the page sets the progress itself and when an action ends; an answer
  // asked for in another epoch, or while an action is under way, is dropped.
  const epoch = useRef(0);
  const acting = useRef(0);
  const setOwnProgress = useCallback((next: SweepProgressBody) => {
    epoch.current++;
    setProgress(next);
  }, []);
  /** Show `next` while `action` (the request that makes it so) is under way; its answer. */
  const showWhile = useCallback(async <T,>(next: SweepProgressBody, action: () => Promise<T>): Promise<T> => {
    acting.current++;
    setOwnProgress(next);
    try {
      return await action();
    } finally {
      acting.current--;
      epoch.current++;
    }
  }, [setOwnProgress]);

  const tick = useCallback(async () => {
    const asked = epoch.current;
    try {
      const res = await fetch(`/api/sweeps/${sweepId}/progress`, { cache: "no-store" });
      if (!res.ok) throw new Error(((await res.json().catch(() => null)) as { error?: string } | null)?.error ?? `the server answered ${res.status}`);
      const body = (await res.json()) as SweepProgressBody;
      if (epoch.current !== asked || acting.current > 0) return;
      setProgress(body);
      setFetchedAt(Date.now());
      setStale(null);
      setTicks((t) => t + 1);
    } catch (e) {
      setStale(`Live updates paused: ${(e as Error).message}. Retrying…`);
    }
  }, [sweepId]);
  const poll = usePoll(tick, { live: () => isActive(latest.current) });

  // The run list follows the signature (counts by state, best run, sweep state); a list that
  // could not be read is asked for again at the next poll. `runsPending`: the list shown is
  // older than the progress (from the render the progress changes in, until the list comes).
  const signature = tableSignature(progress);
  const shown = useRef(tableSignature(initial.progress));
  const signatureNow = useRef(signature);
  signatureNow.current = signature;
  const [listed, setListed] = useState(shown.current);
  /** the poll at which the run list could not be read, or null */
  const [missedAt, setMissedAt] = useState<number | null>(null);
  const ticksNow = useRef(ticks);
  ticksNow.current = ticks;
  const refreshRuns = useCallback(async () => {
    const asked = signatureNow.current;
    const res = await fetch(`/api/runs?${sweepRunsQuery(sweepId)}&sort=index&limit=100000`, { cache: "no-store" }).catch(() => null);
    const body = res?.ok ? ((await res.json().catch(() => null)) as { runs: RunRecord[] } | null) : null;
    if (!body) return setMissedAt(ticksNow.current);
    setMissedAt(null);
    setListed(asked);
    setRuns(body.runs);
    setRunsAt(Date.now());
  }, [sweepId]);
  const retry = missedAt !== null && ticks > missedAt ? ticks : 0;
  useEffect(() => {
    if (shown.current === signature && retry === 0) return;
    shown.current = signature;
    void refreshRuns();
  }, [signature, retry, refreshRuns]);

  // The elapsed clock (and running runs' runtimes) move every second between polls while the sweep is live.
  const [now, setNow] = useState(fetchedAt);
  const active = isActive(progress);
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [active]);
  const elapsed = progress.elapsed + (active && !progress.sweep.finishedAt ? Math.max(0, now - fetchedAt) / 1000 : 0);

  // the table and the chart read the running runs' current step and metric from the progress poll
  const current = useMemo(() => withLiveValues(runs, progress.running), [runs, progress.running]);

  return { progress, setProgress: setOwnProgress, showWhile, runs: current, runsPending: listed !== signature, setRuns, runsAt, now: Math.max(now, fetchedAt), stale, signature, ticks, elapsed, active, poll, refreshRuns };
}
