"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Re-render the (server) page every few seconds while something on it is live; pauses in hidden tabs. */
export function AutoRefresh(props: { everyMs: number }) {
  const router = useRouter();
  useEffect(() => {
    const id = setInterval(() => {
      if (!document.hidden) router.refresh();
    }, props.everyMs);
    return () => clearInterval(id);
  }, [router, props.everyMs]);
  return null;
}
