"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { EmptyState, PageHeader } from "./ui";

// The not-found pages (answered with HTTP 404): the root one for unknown URLs, and the run and
// sweep pages' for ids that name nothing. not-found files get no params, so the id is read
// back from the URL.

const WHAT = {
  page: { title: "Page not found", body: "Nothing lives at this address." },
  run: { title: "Run not found", body: "No run has this id: it may have been recorded in another database." },
  sweep: { title: "Sweep not found", body: "No sweep has this id: it may have been created in another database." },
} as const;

export function NotFound(props: { kind: keyof typeof WHAT }) {
  const path = usePathname() ?? "";
  const id = props.kind === "page" ? path : decodeURIComponent(path.split("/").filter(Boolean).pop() ?? "");
  const what = WHAT[props.kind];
  return (
    <div data-testid="not-found" data-kind={props.kind}>
      <PageHeader title={what.title} />
      <div className="card">
        <EmptyState title={props.kind === "page" ? `No page at ${id.slice(0, 80)}` : `There is no ${props.kind} "${id.slice(0, 40)}"`} testId={`${props.kind}-not-found`}>
          <p>{what.body}</p>
          <div className="row" style={{ justifyContent: "center", marginTop: 16 }}>
            <Link className="btn" href="/">
              Runs
            </Link>
            <Link className="btn" href="/sweeps">
              Sweeps
            </Link>
            <Link className="btn btn-primary" href="/sweeps/new">
              New sweep
            </Link>
          </div>
        </EmptyState>
      </div>
    </div>
  );
}
