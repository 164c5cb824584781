import { useState } from "react";

/**
 * Paging by the API's cursors (core/pagination.py): the cursor of this page and those of the
 * pages before it, so Previous pops one. ``reset`` goes back to the first page (a new filter).
 */
export function useCursorPages() {
  const [previous, setPrevious] = useState<(string | null)[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  return {
    cursor,
    page: previous.length + 1,
    hasPrevious: previous.length > 0,
    back: () => {
      setCursor(previous[previous.length - 1] ?? null);
      setPrevious((p) => p.slice(0, -1));
    },
    forward: (next: string) => {
      setPrevious((p) => [...p, cursor]);
      setCursor(next);
    },
    reset: () => {
      setPrevious([]);
      setCursor(null);
    },
  };
}

export type CursorPages = ReturnType<typeof useCursorPages>;

/** Previous / Next under a list paged by cursor; nothing when there is a single page. */
export function CursorPager({
  pages,
  next,
  loading,
  testId,
}: {
  pages: CursorPages;
  next: string | null;
  loading: boolean; // the next page's answer is not in yet
  testId: string; // "<testId>-prev" and "<testId>-next"
}) {
  if (!pages.hasPrevious && !next) return null;
  return (
    <footer className="pager">
      <span className="pager__range">Page {pages.page}</span>
      <button type="button" className="button button--small" data-testid={`${testId}-prev`} disabled={!pages.hasPrevious} onClick={pages.back}>
        Previous
      </button>
      <button
        type="button"
        className="button button--small"
        data-testid={`${testId}-next`}
        disabled={!next || loading}
        onClick={() => next && pages.forward(next)}
      >
        Next
      </button>
    </footer>
  );
}
