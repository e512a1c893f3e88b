"use client";
import { useCallback, useState, useSyncExternalStore } from "react";

// Shared hover across panels: charts with the same `syncId` show the hover line at the same x
// (in the units of the x-axis mode). A tiny external store; no context provider needed.

export interface HoverState {
  x: number | null;
  /** The chart the mouse is over (it alone shows the full tooltip). */
  source: string | null;
}

const EMPTY: HoverState = { x: null, source: null };
const states = new Map<string, HoverState>();
const listeners = new Map<string, Set<() => void>>();

function set(syncId: string, state: HoverState) {
  states.set(syncId, state);
  for (const l of listeners.get(syncId) ?? []) l();
}

function subscribe(syncId: string, listener: () => void) {
  if (!listeners.has(syncId)) listeners.set(syncId, new Set());
  listeners.get(syncId)!.add(listener);
  return () => listeners.get(syncId)!.delete(listener);
}

export function useHover(syncId: string | undefined): [HoverState, (s: HoverState) => void] {
  const [local, setLocal] = useState<HoverState>(EMPTY);
  const shared = useSyncExternalStore(
    useCallback((l: () => void) => (syncId ? subscribe(syncId, l) : () => {}), [syncId]),
    () => (syncId ? states.get(syncId) ?? EMPTY : EMPTY),
    () => EMPTY,
  );
  const setShared = useCallback((s: HoverState) => (syncId ? set(syncId, s) : setLocal(s)), [syncId]);
  return [syncId ? shared : local, setShared];
}
