/** The app's push-event stream (run progress, pair changes) to every subscribed host. */
import type { UiEvent } from '../../shared/contract.ts';

export interface EventBus {
  emit(event: UiEvent): void;
  subscribe(listener: (event: UiEvent) => void): () => void;
  clear(): void;
}

export function createEventBus(): EventBus {
  const listeners = new Set<(event: UiEvent) => void>();
  return {
    emit(event) {
      for (const l of listeners) {
        try {
          l(event);
        } catch {
          // A broken subscriber (a closed window) must not stop the others or the run.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear() {
      listeners.clear();
    },
  };
}
