"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import type { CompareDelta, CompareDeltaRun } from "../_lib/compare-api";
import { curvesQuery, mergeCurves, type HeldCurves } from "../_lib/sweep-curves";

const NO_PAIRS: readonly (readonly [string, string])[] = [];

/**
 * A live view's curves of `keys` (the sweep page's panel, the compare page), polled
 * incrementally whenever `refreshKey` changes: each poll asks GET /api/compare (`base`: its
 * runs= or sweep=, keys= and points=, and detail=1 if wanted) only for what changed since
 * what is held (new runs, the open runs' new points) and merges it in. `initial` (a first
 * answer rendered on the server) is held from the start. One request at a time (each builds
 * on the last answer); a change during one is fetched right after it. Errors keep what is
 * held. Another `base` starts over (data is null until its first answer).
 */
export function useLiveCurves<R extends CompareDeltaRun = CompareDeltaRun>(
  base: string,
  keys: readonly string[],
  points: number,
  refreshKey: string,
  initial: HeldCurves<R> | null = null,
  /** the base's pair= (y~x): such series come longer (curvesQuery) */
  pairs: readonly (readonly [string, string])[] = NO_PAIRS,
) {
  const [data, setData] = useState<HeldCurves<R> | null>(initial);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const live = useRef({ base, keys, points, pairs, held: initial, busy: false, again: false });

  useEffect(() => {
    const state = live.current;
    if (state.base !== base) {
      // another view or metric: start over (an answer in flight for the old one is dropped)
      Object.assign(state, { base, keys, points, pairs, held: null });
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
          const res = await fetch(`${asked}&${curvesQuery(state.held, state.keys, state.points, state.pairs)}`, { cache: "no-store" });
          const body = (await res.json().catch(() => null)) as (CompareDelta<R> & { error?: string }) | null;
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
    // keys, points and pairs are part of base
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [base, refreshKey, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload };
}
