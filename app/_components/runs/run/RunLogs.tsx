"use client";
import { useEffect, useLayoutEffect, useRef } from "react";
import { consoleText } from "../../../../engine/console";
import type { LogRecord } from "../../../../prisma/store/metrics";
import { formatNumber } from "../../../_lib/format";
import styles from "./run.module.css";

// The run's console output, as `npm run train` prints it (engine/console.ts): steps,
// evaluations, samples, the summary, warnings; a program's stdout, and its stderr marked as
// such (tracebacks, progress bars, logging output: no warnings). Live while the run trains —
// it follows the newest line unless you scroll up — and downloadable whole as a text file.

export function RunLogs(props: { runId: string; logs: LogRecord[]; logCount: number; live: boolean }) {
  const { logs, logCount } = props;
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [logs.length]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onScroll = () => (atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24);
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
        <div ref={box} className={styles.logs} data-testid="logs">
          {logs.length === 0 && <div>No log lines.</div>}
          {logs.map((l) => (
            <div key={l.id} className={styles[`logLevel_${l.level}`]} data-testid="log-line" data-level={l.level}>
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
