"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatBytes } from "../../_lib/format";

// Upload a text file as a corpus: POST /api/corpora?name=NAME with the file as the body. The
// server checks it (UTF-8, size, name) and stores it with its sha256; the table then lists it.

const suggestName = (file: string) => file.replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 100);

export function CorpusUpload(props: { maxBytes: number }) {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const upload = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setMessage(null);
    try {
      const res = await fetch(`/api/corpora?${new URLSearchParams({ name })}`, { method: "POST", body: file, headers: { "content-type": "text/plain; charset=utf-8" } });
      const body = (await res.json()) as { error?: string; corpus?: { name: string; size: number; sha256: string } };
      if (!res.ok || !body.corpus) throw new Error(body.error ?? `HTTP ${res.status}`);
      setMessage({ ok: true, text: `${res.status === 201 ? "Added" : "Already there:"} ${body.corpus.name} (${formatBytes(body.corpus.size)}, sha256 ${body.corpus.sha256.slice(0, 12)}…). Name it in a sweep as corpus: ${body.corpus.name}` });
      setFile(null);
      router.refresh();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="row" onSubmit={upload} data-testid="corpus-upload" style={{ alignItems: "flex-end", gap: 12 }}>
      <label className="field">
        <span>Text file (UTF-8, at most {formatBytes(props.maxBytes)})</span>
        <input
          type="file"
          accept=".txt,text/plain"
          data-testid="corpus-file"
          onChange={(e) => {
            const f = e.target.files?.[0] ?? null;
            setFile(f);
            if (f && !name) setName(suggestName(f.name));
          }}
        />
      </label>
      <label className="field">
        <span>Name</span>
        <input className="input mono" value={name} onChange={(e) => setName(e.target.value)} placeholder="tiny-shakespeare" data-testid="corpus-name" maxLength={100} />
      </label>
      <button type="submit" className="btn btn-primary" disabled={!file || !name || busy} data-testid="corpus-submit">
        {busy ? "Uploading…" : "Upload"}
      </button>
      {message && (
        <span role={message.ok ? "status" : "alert"} className={message.ok ? "muted" : "field-error"} data-testid="corpus-message">
          {message.text}
        </span>
      )}
    </form>
  );
}
