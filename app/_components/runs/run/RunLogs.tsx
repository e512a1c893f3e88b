"use client";
import { useEffect, useLayoutEffect, useRef } from "react";
import { consoleText } from "../../../../engine/console";
import type { LogRecord } from "../../../../prisma/store/metrics";
import { formatNumber } from "../../../_lib/format";
import styles from "./run.module.css";

// The run's console output, as `npm run train` prints it (engine/console.ts): steps,
// evaluations, samples, the summary, warnings; a program's stdout, and its stderr marked as
// such (tracebacks, progress bars, logging output: no warnings). Live while the run trains —
// it follows the newest line unless you scroll up, and then what you read stays put as the page
// drops its oldest lines — and downloadable whole as a text file.

export function RunLogs(props: { runId: string; logs: LogRecord[]; logCount: number; live: boolean }) {
  const { logs, logCount } = props;
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  /** scrolled up to read: the line at the top of the view, and how far below the box's top it sits */
  const reading = useRef<LineInView | null>(null);
  // (the page holds the last LOG_LINES lines: once full, a poll's new lines leave the count as it was)
  const newest = logs[logs.length - 1]?.id;
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    if (atBottom.current) el.scrollTop = el.scrollHeight;
    // lines trimmed above the one being read: it goes back where it was, before the paint
    else if (reading.current) {
      const line = el.querySelector(`[data-log-id="${reading.current.id}"]`);
      if (line) el.scrollTop += line.getBoundingClientRect().top - el.getBoundingClientRect().top - reading.current.offset;
    }
  }, [newest]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onScroll = () => {
      atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      reading.current = atBottom.current ? null : lineInView(el);
    };
    el.addEventListener("scroll", onScroll);
    return () => el.removeEventListener("scroll", onScroll);
  }, []);
  const total = Math.max(logCount, logs.length);
  return (
    <div className="card">
      <div className="card-body">
        <div className="row" style={{ justifyContent: "space-between", marginBottom: 8 }}>
          <span className="muted" data-testid="log-count">
            {formatNumber(total)} line{total === 1 ? "" : "s"}
            {logs.length < total ? ` · showing the last ${formatNumber(logs.length)}` : ""}
            {props.live ? " · live" : ""}
          </span>
          <a className="btn" href={`/api/runs/${props.runId}/logs.txt`} download data-testid="download-logs">
            Download
          </a>
        </div>
        {/* (the browser's own scroll anchoring is off: Safari before 27 has none; the effect above keeps the line read in place everywhere) */}
        <div ref={box} className={styles.logs} style={{ overflowAnchor: "none" }} data-testid="logs">
          {logs.length === 0 && <div>No log lines.</div>}
          {logs.map((l) => (
            <div key={l.id} className={styles[`logLevel_${l.level}`]} data-testid="log-line" data-log-id={l.id} data-level={l.level}>
              <span className={styles.logTime}>{l.time.slice(11, 19)}</span>
              <span>
                {l.level === "stderr" && (
                  <span className={styles.logStream} title="the program wrote this line to stderr" data-testid="log-stderr">
                    stderr
                  </span>
                )}
                <span data-testid="log-text">{consoleText(l)}</span>
              </span>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

interface LineInView {
  id: number;
  offset: number;
}

/** The first line in the box's view (a binary search: the lines go down in order) and its offset from the box's top. */
function lineInView(box: HTMLElement): LineInView | null {
  const lines = box.children;
  const top = box.getBoundingClientRect().top;
  let [lo, hi] = [0, lines.length - 1];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid].getBoundingClientRect().bottom > top) hi = mid;
    else lo = mid + 1;
  }
  const line = lines[lo] as HTMLElement | undefined;
  return line?.dataset.logId ? { id: Number(line.dataset.logId), offset: line.getBoundingClientRect().top - top } : null;
}
