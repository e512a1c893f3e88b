"use client";
import { useCallback, useEffect, useRef } from "react";

// The live views' one polling loop (the sweep page, the runs table, a run's page): a tick
// LIVE_MS after the last one while something trains, IDLE_MS (or the caller's idleMs) when
// nothing does, HIDDEN_MS in a hidden tab, and one at once when the tab is shown again (what
// the person switched back for). A tick waits for the one before it; `enabled` false stops the
// loop (and true starts it again).

export const LIVE_MS = 1500;
export const IDLE_MS = 10_000;
export const HIDDEN_MS = 6000;

/** Runs `tick` over and over while mounted and enabled; returns poll(): tick now (the next one waits from it). */
export function usePoll(tick: () => Promise<void>, options: { live?: () => boolean; enabled?: boolean; idleMs?: number } = {}): () => Promise<void> {
  const enabled = options.enabled ?? true;
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** the loop is on: mounted and enabled */
  const on = useRef(false);
  const live = useRef(options.live);
  live.current = options.live;
  const idleMs = useRef(options.idleMs ?? IDLE_MS);
  idleMs.current = options.idleMs ?? IDLE_MS;
  const latestTick = useRef(tick);
  latestTick.current = tick;

  const schedule = useCallback((ms: number) => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = on.current ? setTimeout(() => void pollNow.current(), ms) : null;
  }, []);
  /** the tick under way, if any */
  const running = useRef<Promise<void> | null>(null);
  const poll = useCallback(async () => {
    // One tick at a time. Asked for during one (a view's refresh after its own action: pause,
    // stop), the tick waits for it and then runs: run beside it, the older answer could land
    // last and show the state from before the action until the next tick.
    while (running.current) await running.current.catch(() => {});
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const ticking = latestTick.current();
    running.current = ticking;
    try {
      await ticking;
    } finally {
      running.current = null;
    }
    schedule(document.hidden ? HIDDEN_MS : (live.current?.() ?? true) ? LIVE_MS : idleMs.current);
  }, [schedule]);
  const pollNow = useRef(poll);
  pollNow.current = poll;

  useEffect(() => {
    if (!enabled) return;
    on.current = true;
    // (a tick under way schedules the next itself)
    if (!running.current) schedule(LIVE_MS);
    // shown again: the next tick may be HIDDEN_MS away; tick now (a tick under way is nearly that)
    const onVisible = () => {
      if (!document.hidden && on.current && !running.current) void pollNow.current();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      document.removeEventListener("visibilitychange", onVisible);
      on.current = false;
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [enabled, schedule]);
  return poll;
}
