/**
 * Co-browse frames from the desktop's socket: the page's batches go to the
 * panel showing that session (not through the query cache: they are large and
 * only the viewer needs them); session changes update the cached session.
 */
import type { CobrowseBatchFrame } from "../realtime/frames.gen";

type BatchListener = (frame: CobrowseBatchFrame) => void;
const listeners = new Map<string, Set<BatchListener>>();

export function onBatch(sessionId: string, listener: BatchListener): () => void {
  const set = listeners.get(sessionId) ?? new Set<BatchListener>();
  set.add(listener);
  listeners.set(sessionId, set);
  return () => {
    set.delete(listener);
    if (!set.size) listeners.delete(sessionId);
  };
}

export function deliverBatch(frame: CobrowseBatchFrame): void {
  for (const listener of listeners.get(frame.session_id) ?? []) listener(frame);
}
