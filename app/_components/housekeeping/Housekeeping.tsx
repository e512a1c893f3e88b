"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ConfirmButton } from "../ui/ConfirmButton";
import { Markdown } from "../ui/Markdown";

// Tags, notes, rename, archive and delete of a run or a sweep (PATCH / DELETE /api/{runs,sweeps}/:id).
// The strip shows the tags (each a link to the runs table filtered by it) and the notes (as Markdown); Edit
// opens a small form; Delete asks once more, inline, and says what goes with it.

export interface Meta {
  name: string;
  tags: string[];
  notes: string;
  archivedAt: string | null;
  /** A run's group (W&B's group); sweeps have none. */
  runGroup?: string | null;
}

/** Tags as typed: separated by commas (a tag may hold spaces, as W&B's do). */
export const splitTags = (text: string): string[] => text.split(/[,\n]+/).map((t) => t.trim()).filter(Boolean);

export function Housekeeping(props: { kind: "run" | "sweep"; id: string; meta: Meta; live: boolean; onSaved: (meta: Meta) => void }) {
  const router = useRouter();
  const { kind, id, meta } = props;
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState({ name: meta.name, tags: meta.tags.join(", "), notes: meta.notes, group: meta.runGroup ?? "" });
  const url = `/api/${kind}s/${id}`;

  const send = async (method: "PATCH" | "DELETE", body?: unknown): Promise<Record<string, unknown> | null> => {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(url, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      const answer = (await res.json().catch(() => ({}))) as Record<string, unknown> & { error?: string };
      if (!res.ok) throw new Error(answer.error ?? `the server answered ${res.status}`);
      return answer;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return null;
    } finally {
      setBusy(false);
    }
  };
  const patch = async (body: Record<string, unknown>) => {
    const answer = await send("PATCH", body);
    const record = answer?.[kind] as Meta | undefined;
    if (!record) return false;
    props.onSaved({ name: record.name, tags: record.tags, notes: record.notes, archivedAt: record.archivedAt, runGroup: record.runGroup });
    setDraft({ name: record.name, tags: record.tags.join(", "), notes: record.notes, group: record.runGroup ?? "" });
    return true;
  };
  const remove = async () => {
    if (await send("DELETE")) router.push(kind === "run" ? "/" : "/sweeps");
  };

  return (
    <div className="hk" data-testid={`${kind}-housekeeping`}>
      <div className="hk-strip">
        <span className="hk-tags" data-testid="tags">
          {meta.archivedAt && <span className="badge" data-testid="archived-badge">archived</span>}
          {meta.runGroup && (
            <Link className="badge" href="/?group=runs" data-testid="run-group" title="The runs table, one row per run group">
              group {meta.runGroup}
            </Link>
          )}
          {meta.tags.map((t) => (
            <Link key={t} className="tag" href={`/?tag=${encodeURIComponent(t)}`} data-testid="tag" title={`Runs tagged ${t}`}>
              {t}
            </Link>
          ))}
        </span>
        <span className="hk-actions">
          <button type="button" className="btn btn-sm" onClick={() => setEditing((e) => !e)} aria-expanded={editing} data-testid="edit-meta">
            {editing ? "Close" : "Edit name, tags, notes"}
          </button>
          <button type="button" className="btn btn-sm" disabled={busy} onClick={() => patch({ archived: !meta.archivedAt })} data-testid="archive">
            {meta.archivedAt ? "Restore" : "Archive"}
          </button>
          <ConfirmButton
            small
            testId="delete"
            confirmTestId="confirm-delete"
            groupLabel={`Confirm delete ${kind}`}
            disabled={busy}
            question={
              <>
                Delete {kind === "sweep" ? "this sweep and all its runs" : "this run"}
                {props.live ? " (it is stopped first)" : ""} with metrics, samples, logs and checkpoints? This cannot be undone.
              </>
            }
            confirmLabel="Delete"
            onConfirm={remove}
          >
            Delete…
          </ConfirmButton>
        </span>
      </div>
      {meta.notes && !editing && (
        <div className="hk-notes" data-testid="notes">
          <Markdown text={meta.notes} />
        </div>
      )}
      {error && (
        <div className="alert" role="alert" data-testid="meta-error">
          {error}
        </div>
      )}
      {editing && (
        <form
          className="card card-body hk-form"
          data-testid="meta-form"
          onSubmit={async (e) => {
            e.preventDefault();
            const group = kind === "run" ? { group: draft.group.trim() || null } : {};
            if (await patch({ name: draft.name, tags: splitTags(draft.tags), notes: draft.notes, ...group })) setEditing(false);
          }}
        >
          <label>
            Name
            <input className="input" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} data-testid="meta-name" maxLength={120} />
          </label>
          <label>
            Tags <span className="faint">(separated by commas)</span>
            <input className="input mono" value={draft.tags} onChange={(e) => setDraft({ ...draft, tags: e.target.value })} data-testid="meta-tags" placeholder="baseline lr-sweep" />
          </label>
          {kind === "run" && (
            <label>
              Group <span className="faint">(runs of one group fold into one row of the runs table)</span>
              <input className="input mono" value={draft.group} onChange={(e) => setDraft({ ...draft, group: e.target.value })} data-testid="meta-group" placeholder="none" />
            </label>
          )}
          <label>
            Notes
            <textarea className="input" rows={4} value={draft.notes} onChange={(e) => setDraft({ ...draft, notes: e.target.value })} data-testid="meta-notes" />
          </label>
          <div className="row">
            <button type="submit" className="btn btn-primary btn-sm" disabled={busy} data-testid="save-meta">
              Save
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
