"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import type { CompareDelta } from "../../_lib/compare-api";
import { curvesQuery, mergeCurves, type HeldCurves } from "../../_lib/sweep-curves";

/**
 * The sweep's curves of `metric`, polled incrementally whenever `refreshKey` changes: each
 * poll asks GET /api/compare only for what changed since what is held (new runs, the open
 * runs' new points) and merges it in. One request at a time (each builds on the last
 * answer); a change during one is fetched right after it. Errors keep what is held.
 */
export function useSweepCurves(sweepId: string, metric: string, points: number, refreshKey: string) {
  const base = `/api/compare?sweep=${sweepId}&keys=${encodeURIComponent(metric)}&points=${points}`;
  const [data, setData] = useState<HeldCurves | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const live = useRef({ base, keys: [metric], points, held: null as HeldCurves | null, busy: false, again: false });

  useEffect(() => {
    const state = live.current;
    if (state.base !== base) {
      // another sweep or metric: start over (an answer in flight for the old one is dropped)
      Object.assign(state, { base, keys: [metric], points, held: null });
      setData(null);
    }
    if (state.busy) {
      state.again = true;
      return;
    }
    state.busy = true;
    setLoading(true);
    void (async () => {
      do {
        state.again = false;
        const asked = state.base;
        try {
          const res = await fetch(`${asked}&${curvesQuery(state.held, state.keys, state.points)}`, { cache: "no-store" });
          const body = (await res.json().catch(() => null)) as (CompareDelta & { error?: string }) | null;
          if (!res.ok || !body) throw new Error(body?.error ?? `the server answered ${res.status}`);
          if (state.base !== asked) {
            state.again = true;
            continue;
          }
          state.held = mergeCurves(state.held, body);
          setData(state.held);
          setError(null);
        } catch (e) {
          if (state.base === asked) setError((e as Error).message);
        }
      } while (state.again);
      state.busy = false;
      setLoading(false);
    })();
  }, [base, metric, points, refreshKey, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload };
}
