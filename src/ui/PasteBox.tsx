import { createSignal, Show } from 'solid-js';

export interface PasteBoxProps {
  disabled?: boolean;
  onFile(file: File): void;
}

/** Small CSV/TSV pasted as text goes through the same ingest path as a dropped file. */
export function PasteBox(props: PasteBoxProps) {
  const [open, setOpen] = createSignal(false);
  const [text, setText] = createSignal('');
  const use = () => {
    const t = text();
    // The name only picks the parser; the delimiter is detected from the text.
    props.onFile(new File([t], t.trimStart().startsWith('[') ? 'pasted.json' : 'pasted.csv', { type: 'text/plain' }));
  };
  return (
    <div class="paste-box">
      <button type="button" data-testid="paste-toggle" onClick={() => setOpen(!open())}>
        {open() ? 'Hide paste box' : 'Paste CSV…'}
      </button>
      <Show when={open()}>
        <textarea data-testid="paste-input" placeholder={'x,y,z,label\n0.1,0.2,0.3,a\n…'} value={text()} onInput={(e) => setText(e.currentTarget.value)} />
        <button type="button" data-testid="paste-load" disabled={props.disabled || text().trim() === ''} onClick={use}>
          Use pasted data
        </button>
      </Show>
    </div>
  );
}
