import type { ReactNode } from "react";

// The shared primitives every page uses, so the product looks like one product.

export function Card(props: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; testId?: string }) {
  return (
    <section className={`card ${props.className ?? ""}`} data-testid={props.testId}>
      {(props.title || props.actions) && (
        <header className="card-header">
          <div className="card-title">{props.title}</div>
          {props.actions && <div className="row">{props.actions}</div>}
        </header>
      )}
      <div className="card-body">{props.children}</div>
    </section>
  );
}

export function Badge(props: { state: string; label?: string }) {
  return (
    <span className={`badge badge-${props.state}`} data-testid="state-badge" data-state={props.state}>
      {props.label ?? props.state}
    </span>
  );
}

export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={props.testId ?? "empty-state"}>
      <h2>{props.title}</h2>
      {props.children}
      {props.action && <div style={{ marginTop: 16 }}>{props.action}</div>}
    </div>
  );
}

/** An error the user can act on; with `onRetry` (client components only) a Retry button follows. */
export function ErrorBox(props: { title?: string; children: ReactNode; onRetry?: () => void }) {
  return (
    <div className="alert" role="alert">
      {props.title && <strong>{props.title} </strong>}
      {props.children}
      {props.onRetry && (
        <>
          {" "}
          <button type="button" className="btn btn-sm" onClick={props.onRetry}>
            Retry
          </button>
        </>
      )}
    </div>
  );
}

export function Stat(props: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div className="stat" data-testid={props.testId}>
      <span className="label">{props.label}</span>
      <span className="value">{props.value}</span>
    </div>
  );
}

export function PageHeader(props: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle && <div className="subtitle">{props.subtitle}</div>}
      </div>
      {props.actions && <div className="row">{props.actions}</div>}
    </div>
  );
}
