import { CORPUS_MAX_BYTES, listCorpora } from "../../prisma/store";
import { CorpusUpload } from "../_components/corpora/CorpusUpload";
import { PageHeader } from "../_components/ui";
import { formatBytes, formatNumber, formatTime } from "../_lib/format";

export const dynamic = "force-dynamic";
export const metadata = { title: "Corpora" };

/** /corpora — the texts charlm runs can train on: the builtin one and those uploaded here. */
export default async function CorporaPage() {
  const corpora = await listCorpora();
  return (
    <>
      <PageHeader title="Corpora" subtitle="The texts a charlm run can train on. A sweep names one by its name (corpus: NAME)." />
      <div className="card" style={{ marginBottom: 16 }}>
        <div className="card-body">
          <CorpusUpload maxBytes={CORPUS_MAX_BYTES} />
        </div>
      </div>
      <div className="card table-wrap">
        <table className="data" data-testid="corpora-table">
          <thead>
            <tr>
              <th>Name</th>
              <th className="num">Size</th>
              <th className="num">Characters</th>
              <th>sha256</th>
              <th>Added</th>
            </tr>
          </thead>
          <tbody>
            {corpora.map((c) => (
              <tr key={c.name} id={`corpus-${c.name}`} data-testid="corpus-row" data-name={c.name}>
                <td className="mono">{c.builtin ? <>{c.name} <span className="faint">(shipped)</span></> : <a href={`/api/corpora/${encodeURIComponent(c.name)}/text`}>{c.name}</a>}</td>
                <td className="num">{formatBytes(c.size)}</td>
                <td className="num">{formatNumber(c.chars)}</td>
                <td className="mono faint" title={c.sha256}>{c.sha256.slice(0, 16)}…</td>
                <td>{c.createdAt ? formatTime(c.createdAt) : "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
