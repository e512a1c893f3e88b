"use client";
import { useRouter } from "next/navigation";
import { useCallback } from "react";
import type { LiveTableAnswer } from "../../_lib/runs-live";
import { usePoll } from "../usePoll";
import { NEW_RUNS_MS } from "./useLiveRows";

// The runs page of a database without runs: it asks the live table's poll (its count alone)
// every NEW_RUNS_MS and renders again once a first run exists, so the run the page suggests
// (the snippet, a sweep, an agent) shows up as it would in the table, without a reload.

export function RefreshOnFirstRun() {
  const router = useRouter();
  const tick = useCallback(async () => {
    const res = await fetch("/api/compare/table/live?columns=state&group=none", { cache: "no-store" }).catch(() => null);
    const body = res?.ok ? ((await res.json().catch(() => null)) as LiveTableAnswer | null) : null;
    if (body?.stamp && body.stamp.all > 0) router.refresh();
  }, [router]);
  usePoll(tick, { live: () => false, idleMs: NEW_RUNS_MS });
  return null;
}
