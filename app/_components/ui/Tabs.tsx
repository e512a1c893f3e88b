"use client";
import type { ReactNode } from "react";

/** Keyboard-reachable tabs (arrow keys move between them). */
export function Tabs<T extends string>(props: { tabs: { id: T; label: ReactNode }[]; value: T; onChange: (id: T) => void; label: string }) {
  const index = props.tabs.findIndex((t) => t.id === props.value);
  return (
    <div className="tabs" role="tablist" aria-label={props.label}>
      {props.tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          className="tab"
          aria-selected={t.id === props.value}
          tabIndex={t.id === props.value ? 0 : -1}
          onClick={() => props.onChange(t.id)}
          onKeyDown={(e) => {
            if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
            const next = props.tabs[(index + (e.key === "ArrowRight" ? 1 : props.tabs.length - 1)) % props.tabs.length];
            props.onChange(next.id);
          }}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
