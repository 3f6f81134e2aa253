import { Show } from 'solid-js';

export function ErrorBanner(props: { message: string | null; onDismiss(): void }) {
  return (
    <Show when={props.message}>
      {(msg) => (
        <div class="error-banner" role="alert" data-testid="error">
          <span class="error-text">{msg()}</span>
          <button type="button" class="dismiss" aria-label="Dismiss" onClick={() => props.onDismiss()}>
            ×
          </button>
        </div>
      )}
    </Show>
  );
}
