// Which map is on screen: the job it is of (file, parameters, start time), a live preview of the
// followed job, or a map opened from the library or a file. Two runs of one file look alike; this
// line tells them apart.
import { Show } from 'solid-js';
import type { UmapParams } from '../../jobs/engine-api';
import type { JobView } from '../../jobs/scheduler';
import { paramSummary, startLine } from '../job-label';
import { useJobsStore, useMapStore } from '../store';

const jobText = (j: JobView) => `${j.name} · ${paramSummary(j.params)} · ${startLine(j)}`;

export function MapCaption() {
  const map = useMapStore();
  const jobs = useJobsStore();
  const caption = (): string | null => {
    const f = map.frame();
    if (!f) return null;
    const followed = jobs.followedView();
    if (!f.final && followed) return `Preview of ${jobText(followed)}`;
    const o = map.origin();
    const j = o.jobId ? jobs.view(o.jobId) : null;
    if (j) return `Job: ${jobText(j)}`;
    const r = map.result();
    if (!r) return null;
    const params = r.params as Partial<UmapParams>;
    const summary = 'nNeighbors' in params ? ` · ${paramSummary(params)}` : '';
    return `${o.libraryId ? 'Library map' : 'Map file'}: ${r.name}${summary}`;
  };
  return (
    <Show when={caption()}>
      {(text) => (
        <p class="map-caption" data-testid="map-caption" title={text()}>
          {text()}
        </p>
      )}
    </Show>
  );
}
