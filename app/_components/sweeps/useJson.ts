"use client";
import { useCallback, useEffect, useRef, useState } from "react";

/**
 * Fetch JSON and refetch whenever `refreshKey` changes. Keeps the last data while reloading
 * (no flash of a loading state when live data arrives); errors keep the old data too. With
 * `initial` (the server's answer, rendered with the page) there is no request until `refreshKey`
 * changes.
 */
export function useJson<T>(url: string | null, refreshKey: string, initial: T | null = null) {
  const [data, setData] = useState<T | null>(initial);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(initial === null);
  const [nonce, setNonce] = useState(0);
  const seq = useRef(0);
  // the refresh key `initial` answers, until the key changes
  const answered = useRef(initial === null ? null : refreshKey);
  useEffect(() => {
    if (!url) return;
    if (answered.current === refreshKey) return;
    answered.current = null;
    const mine = ++seq.current;
    const ctrl = new AbortController();
    setLoading(true);
    fetch(url, { cache: "no-store", signal: ctrl.signal })
      .then(async (res) => {
        const body = (await res.json().catch(() => null)) as (T & { error?: string }) | null;
        if (mine !== seq.current) return;
        if (!res.ok) throw new Error(body?.error ?? `the server answered ${res.status}`);
        setData(body);
        setError(null);
      })
      .catch((e: Error) => {
        if (mine === seq.current && e.name !== "AbortError") setError(e.message);
      })
      .finally(() => {
        if (mine === seq.current) setLoading(false);
      });
    return () => ctrl.abort();
  }, [url, refreshKey, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload };
}
