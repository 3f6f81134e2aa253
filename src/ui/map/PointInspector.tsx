import { createMemo, For, Match, Show, Switch } from 'solid-js';
import { useMapStore } from '../store';
import { cellText } from './coloring';
import { pointTitle } from './tooltip-content';
import './map-explore.css';

/**
 * The inspected point: its row, cluster, batch, every metadata cell, and its nearest neighbours in
 * the original space, each a button that moves the inspector to it. Mounted over the map (MapArea),
 * so opening it never resizes the map. Closed by its button or Esc (map-store escape()).
 */
export function PointInspector() {
  const map = useMapStore();
  const ins = map.inspector;
  const labelOf = (i: number) => {
    const cols = map.meta();
    const name = map.input()?.dataset.labelName;
    const col = cols.find((c) => c.name === name) ?? cols.find((c) => !(c.values instanceof Float64Array));
    return col ? cellText(col, i) : '';
  };
  const clusterOf = (i: number) => {
    const c = map.clustering.clusters()?.labels;
    return c && c.length === map.n() ? (c[i]! < 0 ? 'noise' : String(c[i])) : null;
  };
  const batchOf = (i: number) => {
    const b = map.batchInfo();
    return b && b.of.length === map.n() ? b.names[b.of[i]!]! : null;
  };
  return (
    // Wrapped, so that row 0 (falsy) shows too.
    <Show when={ins.row() !== null && ins.row()! < map.n() ? { i: ins.row()! } : null}>
      {(shown) => {
        const row = () => shown().i;
        return (
          <section class="inspector" data-testid="inspector" aria-label={`Point inspector: ${pointTitle(row(), map.n(), map.batchInfo())}`}>
            <header>
              <h3 data-testid="inspector-title">{pointTitle(row(), map.n(), map.batchInfo())}</h3>
              <button type="button" class="inspector-close" data-testid="inspector-close" aria-label="Close the inspector" onClick={() => ins.close()}>
                ×
              </button>
            </header>
            <dl class="inspector-cells" data-testid="inspector-cells">
              {/* The title counts rows from 1, as a spreadsheet does; this is the 0-based index that exports write. */}
              <dt title="The point's 0-based row in the file: the index column of exports">index</dt>
              <dd data-testid="inspector-row">{row()}</dd>
              <Show when={clusterOf(row())}>
                {(c) => (
                  <>
                    <dt>cluster</dt>
                    <dd data-testid="inspector-cluster">{c()}</dd>
                  </>
                )}
              </Show>
              <Show when={batchOf(row())}>
                {(b) => (
                  <>
                    <dt>batch</dt>
                    <dd>{b()}</dd>
                  </>
                )}
              </Show>
              <For each={map.meta()}>
                {(col) => (
                  <>
                    <dt>{col.name}</dt>
                    <dd>{cellText(col, row())}</dd>
                  </>
                )}
              </For>
            </dl>
            <h4>Nearest neighbours in the original space</h4>
            <Switch>
              <Match when={ins.neighbours().status === 'loading'}>
                <p class="hint" data-testid="inspector-loading">
                  Searching…
                </p>
              </Match>
              <Match
                when={(() => {
                  const s = ins.neighbours();
                  return s.status === 'done' ? s : null;
                })()}
              >
                {(s) => (
                  <>
                    <p class="hint" data-testid="inspector-source">
                      {s().source === 'graph' ? "From the fit's kNN graph" : 'Exact search over every row'} ({s().indices.length},{' '}
                      {map.result()?.params.metric === 'cosine' ? 'cosine' : 'euclidean'} distance)
                    </p>
                    <ol class="inspector-neighbours" data-testid="inspector-neighbours">
                      <For each={s().indices}>
                        {(j, k) => (
                          <li>
                            <button type="button" data-testid="inspector-neighbour" data-row={j} onClick={() => ins.inspect(j)}>
                              {pointTitle(j, map.n(), map.batchInfo())}
                              <Show when={labelOf(j)}>{(l) => <> — {l()}</>}</Show>
                              <span class="inspector-distance">{formatDistance(s().distances[k()]!)}</span>
                            </button>
                          </li>
                        )}
                      </For>
                    </ol>
                  </>
                )}
              </Match>
              <Match
                when={(() => {
                  const s = ins.neighbours();
                  return s.status === 'none' ? s.reason : s.status === 'error' ? s.message : null;
                })()}
              >
                {(msg) => (
                  <p class="hint" data-testid="inspector-no-neighbours">
                    {msg()}
                  </p>
                )}
              </Match>
            </Switch>
          </section>
        );
      }}
    </Show>
  );
}

function formatDistance(d: number): string {
  return Number.isFinite(d) ? Number(d.toPrecision(3)).toString() : '–';
}

/** Rings over the inspected point and its neighbours, following pan and zoom. */
export function InspectMarkers() {
  const map = useMapStore();
  const marks = createMemo(() => {
    void map.view();
    void map.frame();
    const row = map.inspector.row();
    const ctl = map.control();
    if (row === null || !ctl) return [];
    const s = map.inspector.neighbours();
    const ids = s.status === 'done' ? s.indices : [];
    const out: { x: number; y: number; self: boolean }[] = [];
    for (const [i, self] of [[row, true] as const, ...ids.map((j) => [j, false] as const)]) {
      const p = ctl.screenPosition(i);
      if (p) out.push({ x: p[0], y: p[1], self });
    }
    return out;
  });
  return (
    <div class="inspect-marks" aria-hidden="true" data-testid="inspect-marks">
      <For each={marks()}>{(m) => <span class="inspect-mark" classList={{ self: m.self }} style={{ left: `${m.x}px`, top: `${m.y}px` }} />}</For>
    </div>
  );
}
