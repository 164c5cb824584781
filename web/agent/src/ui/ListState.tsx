import type { ReactNode } from "react";
import { errorMessage } from "../api/client";

/** Loading, failure (with retry) and empty states of a list card. */
export function ListState({
  query,
  loading,
  empty,
  isEmpty,
}: {
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  loading: string;
  empty: ReactNode;
  isEmpty: boolean;
}) {
  if (query.isPending) return <p className="empty">{loading}</p>;
  if (query.isError) {
    return (
      <div className="empty empty--error" role="alert">
        <p>{errorMessage(query.error)}</p>
        <button type="button" className="button" onClick={() => void query.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  if (isEmpty) return <p className="empty">{empty}</p>;
  return null;
}
