"use client";
import { useEffect, useState } from "react";

// Named views of the compare page, saved per project: the panels, metrics, axes, smoothing,
// grouping and runs of the current view (its URL query) under a name; choosing one opens it.

interface View {
  id: string;
  name: string;
  query: string;
}

export function SavedViews(props: { project: string; query: string }) {
  const [views, setViews] = useState<View[]>([]);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const load = () =>
    fetch(`/api/views?project=${encodeURIComponent(props.project)}&page=compare`)
      .then((r) => (r.ok ? r.json() : { views: [] }))
      .then((j: { views: View[] }) => setViews(j.views))
      .catch(() => {});
  useEffect(() => void load(), [props.project]); // eslint-disable-line react-hooks/exhaustive-deps
  const current = views.find((v) => v.query === props.query);
  const save = async () => {
    const res = await fetch("/api/views", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ project: props.project, page: "compare", name: name.trim(), query: props.query }) });
    if (!res.ok) return setError(((await res.json().catch(() => null)) as { error?: string } | null)?.error ?? "could not save the view");
    setError(null);
    setName("");
    await load();
  };
  const remove = async (id: string) => {
    await fetch(`/api/views/${id}`, { method: "DELETE" });
    await load();
  };
  return (
    <div className="row" style={{ gap: 8, flexWrap: "wrap", fontSize: 13 }} data-testid="saved-views">
      <span className="muted">Views of {props.project}</span>
      <select
        className="input"
        value={current?.id ?? ""}
        aria-label="Saved views"
        data-testid="saved-view-select"
        onChange={(e) => {
          const v = views.find((x) => x.id === e.target.value);
          if (v) window.location.assign(v.query ? `/compare?${v.query}` : "/compare");
        }}
      >
        <option value="">{views.length ? "saved views…" : "no saved views"}</option>
        {views.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name}
          </option>
        ))}
      </select>
      {current && (
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => void remove(current.id)} data-testid="delete-view" title={`Delete the view "${current.name}"`}>
          Delete
        </button>
      )}
      <input className="input" placeholder="name this view" value={name} onChange={(e) => setName(e.target.value)} data-testid="view-name" style={{ width: 160 }} />
      <button type="button" className="btn btn-sm" disabled={!name.trim()} onClick={() => void save()} data-testid="save-view">
        Save view
      </button>
      {error && <span className="error-text" role="alert">{error}</span>}
    </div>
  );
}
