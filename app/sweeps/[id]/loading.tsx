// Shown while the sweep page's data loads: the same layout, greyed, so nothing jumps.
export default function Loading() {
  return (
    <div aria-busy="true" aria-label="Loading the sweep">
      <div className="page-header">
        <div className="skeleton" style={{ width: 280, height: 26 }} />
      </div>
      <div className="card sw-progress">
        <div className="skeleton" style={{ height: 8, marginBottom: 16 }} />
        <div className="skeleton" style={{ height: 44 }} />
      </div>
      <div className="card sw-gap skeleton" style={{ height: 440 }} />
    </div>
  );
}
