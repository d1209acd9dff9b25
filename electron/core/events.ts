import type { EventName, EventPayload, TableName } from '../../shared/contract';

type Listener<E extends EventName> = (payload: EventPayload<E>) => void;

/**
 * In-process push events, typed by the contract's event map. The transports forward every event to
 * the renderer (IPC `webContents.send`, or SSE in headless mode).
 */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();
  private readonly anyListeners = new Set<(event: EventName, payload: unknown) => void>();

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const stored = listener as Listener<EventName>;
    set.add(stored);
    return () => set.delete(stored);
  }

  /** For transports: every event, whatever its name. */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
    for (const listener of this.anyListeners) listener(event, payload);
  }

  /** Shorthand for the most common event: these tables were written. */
  dataChanged(...tables: TableName[]): void {
    if (tables.length > 0) this.emit('data.changed', { tables: [...new Set(tables)] });
  }
}
