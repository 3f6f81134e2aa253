import { workerMode } from '../jobs/run-job';
import { FileDrop } from './FileDrop';
import { formatCount } from './format';
import { SourcePicker } from './map/SourcePicker';
import { PasteBox } from './PasteBox';
import { PreviewStep } from './PreviewStep';
import { useDataStore, useJobsStore, usePageActions } from './store';
import type { JobView } from '../jobs/scheduler';
import type { Ingested } from '../jobs/ingest-client';

/** "digits.npy: 1,797 × 64, 10 label values" */
function datasetLine(ing: Ingested): string {
  const ds = ing.dataset;
  const labels = ds.labels ? (ing.categories ? `, ${ing.categories.names.length} label values` : ', labels (too many distinct values to colour)') : '';
  return `${ds.fileName}: ${formatCount(ds.n)} × ${formatCount(ds.d)}${labels}`;
}

/** A job shown with no data loaded (resumed after a reload, or reopened): the data it maps, from its record. */
function jobDataLine(j: JobView): string {
  return `${j.name}: ${formatCount(j.n)} × ${formatCount(j.d)}, the data of the ${j.interrupted ? 'resumed ' : ''}job shown (kept in this browser)`;
}

/** Where data comes from (files, the demo, generators and URLs, pasted text) and its preview; stored maps are in the Library panel. */
export function DataPanel() {
  const data = useDataStore();
  const jobs = useJobsStore();
  const actions = usePageActions();
  const shownJob = () => {
    const j = jobs.shownView() ?? jobs.followedView();
    return j && j.kind !== 'transform' ? j : null;
  };
  const input = () => data.input();
  const canAddLabels = () => !!data.dataFile()?.name.toLowerCase().endsWith('.npy');
  return (
    <section class="data">
      <h2>Data</h2>
      <FileDrop onFiles={(files) => actions.openFiles(files)} onLabelsFile={(f) => actions.addLabels(f)} canAddLabels={canAddLabels()} />
      <button type="button" class="demo" data-testid="demo-digits" onClick={() => void actions.loadDemo()}>
        Load digits demo (1,797 × 64)
      </button>
      <SourcePicker form={data.form} />
      <p class="dataset" data-testid="dataset">
        {data.loading() ?? (input() ? datasetLine(input()!) : null) ?? (shownJob() ? jobDataLine(shownJob()!) : null) ?? 'No data loaded.'}
      </p>
      <PreviewStep
        session={data.ingest}
        ingested={input()}
        loading={!!data.loading()}
        nNeighbors={Number(data.form.nNeighbors) || 15}
        shared={workerMode() === 'shared'}
        onReread={(choices) => actions.reread(choices)}
        onLabelColumn={(name) => data.relabel(name)}
        onOpenAsMap={() => actions.openAsMap()}
      />
      <PasteBox disabled={!!data.loading()} onFile={(f) => actions.openFiles([f])} />
    </section>
  );
}
