"use client";
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";
import { countOf } from "../../_lib/format";

// The runs page's count in its header ("1,204 runs of 10,000", "12 configurations · 36 runs"),
// kept current by the live table (useLiveRows): the server renders it from the first page, and
// the table publishes the counts of each read of its pages and the total of each poll. Counts
// are published for a view (its query): a new view starts from its own first page's.

export interface RunsCounts {
  /** rows of the view (configurations when grouped), runs matching it, runs in all */
  total: number;
  runs: number;
  all: number;
}

type Publish = (view: string, counts: Partial<RunsCounts>) => void;
const Counts = createContext<{ counts: RunsCounts; publish: Publish } | null>(null);

export function RunsCountProvider(props: { view: string; initial: RunsCounts; children: ReactNode }) {
  const [published, setPublished] = useState<{ view: string; counts: Partial<RunsCounts> }>({ view: props.view, counts: {} });
  const publish = useCallback<Publish>((view, counts) => setPublished((prev) => ({ view, counts: { ...(prev.view === view ? prev.counts : {}), ...counts } })), []);
  const counts = { ...props.initial, ...(published.view === props.view ? published.counts : {}) };
  return <Counts.Provider value={{ counts, publish }}>{props.children}</Counts.Provider>;
}

/** The table's way to say what it holds now (a no-op outside the runs page). */
export function usePublishRunsCounts(): Publish {
  return useContext(Counts)?.publish ?? noop;
}
const noop: Publish = () => {};

export function RunsCount(props: { groupBy: "seeds" | "runs" | "tags" | null }) {
  const live = useContext(Counts);
  if (!live) return null;
  const { total, runs, all } = live.counts;
  const n = (x: number) => x.toLocaleString("en-US");
  const group = props.groupBy === "runs" ? "group" : props.groupBy === "tags" ? "tag" : "configuration";
  return (
    <span data-testid="runs-count" data-runs={runs} data-total={total} data-all={all}>
      {props.groupBy ? `${n(total)} ${group}${total === 1 ? "" : "s"} · ${countOf(runs, "run")}` : `${countOf(total, "run")}${total < all ? ` of ${n(all)}` : ""}`}
    </span>
  );
}
