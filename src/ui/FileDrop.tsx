import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { ACCEPTED_EXTENSIONS } from '../io/formats';

export interface FileDropProps {
  disabled?: boolean;
  onFiles(files: File[]): void;
  onLabelsFile(file: File): void;
  /** Whether a separate labels file makes sense for the loaded data (only .npy vectors). */
  canAddLabels: boolean;
}

/** File pickers plus drag-and-drop anywhere on the page. */
export function FileDrop(props: FileDropProps) {
  const [dragging, setDragging] = createSignal(false);
  let depth = 0;

  const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
  const onDragEnter = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth++;
    setDragging(true);
  };
  const onDragOver = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    // Without this the browser navigates to the dropped file.
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) setDragging(false);
  };
  const onDrop = (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    setDragging(false);
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length > 0) props.onFiles(files);
  };

  onMount(() => {
    document.addEventListener('dragenter', onDragEnter);
    document.addEventListener('dragover', onDragOver);
    document.addEventListener('dragleave', onDragLeave);
    document.addEventListener('drop', onDrop);
  });
  onCleanup(() => {
    document.removeEventListener('dragenter', onDragEnter);
    document.removeEventListener('dragover', onDragOver);
    document.removeEventListener('dragleave', onDragLeave);
    document.removeEventListener('drop', onDrop);
  });

  const take = (input: HTMLInputElement, fn: (files: File[]) => void) => {
    const files = [...(input.files ?? [])];
    // Reset so choosing the same file again (after fixing it on disk) fires change again.
    input.value = '';
    if (files.length > 0) fn(files);
  };

  return (
    <div class="file-drop">
      <label class="file-button">
        <span>Choose file…</span>
        <input
          type="file"
          multiple
          accept={[...ACCEPTED_EXTENSIONS, '.txt'].join(',')}
          data-testid="file-input"
          disabled={props.disabled}
          onChange={(e) => take(e.currentTarget, props.onFiles)}
        />
      </label>
      <Show when={props.canAddLabels}>
        <label class="file-button secondary">
          <span>Add labels (.npy)…</span>
          <input type="file" accept=".npy" data-testid="labels-input" disabled={props.disabled} onChange={(e) => take(e.currentTarget, (files) => props.onLabelsFile(files[0]!))} />
        </label>
      </Show>
      <p class="hint">.npy (optionally with a 1-D labels .npy), CSV/TSV, JSON, JSONL, Parquet, or the Projector's vectors.tsv + metadata.tsv together. Or drop files anywhere on the page.</p>
      <Show when={dragging()}>
        <div class="drop-overlay">Drop to load — nothing leaves your machine</div>
      </Show>
    </div>
  );
}
