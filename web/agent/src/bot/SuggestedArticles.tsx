import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";
import { insertIntoReply } from "../conversation/replyInsert";
import { ListState } from "../ui/ListState";

/** Help-center articles for the customer's last messages, to insert into the reply. */
export function SuggestedArticles({ conversationId }: { conversationId: string }) {
  const suggested = useQuery({
    queryKey: ["suggested-articles", conversationId],
    queryFn: () =>
      unwrap(api.GET("/v1/conversations/{conversation_id}/suggested-articles", { params: { path: { conversation_id: conversationId } } })),
  });
  const list = suggested.data ?? [];
  return (
    <section className="pane" data-testid="suggested-articles" aria-label="Suggested articles">
      <header className="pane__header">
        <h3 className="pane__title">Suggested articles</h3>
        <button type="button" className="link-button" onClick={() => void suggested.refetch()} disabled={suggested.isFetching}>
          {suggested.isFetching ? "Looking…" : "Refresh"}
        </button>
      </header>
      <ListState query={suggested} loading="Looking in the help center…" empty="No article matches the customer's last messages." isEmpty={list.length === 0} />
      {list.length > 0 && (
        <ul className="suggested">
          {list.map((a) => (
            <li key={`${a.article_id}-${a.language}`} className="suggested__item" data-testid="suggested-article">
              <a href={a.url} target="_blank" rel="noreferrer" className="suggested__title">
                {a.title}
              </a>{" "}
              <span className="table__muted">{a.language}</span>
              {a.snippet && <p className="suggested__snippet">{a.snippet}</p>}
              <div className="suggested__actions">
                <button type="button" className="button button--small" data-testid="insert-article-link" onClick={() => insertIntoReply(conversationId, a.url)}>
                  Insert link
                </button>
                <button type="button" className="button button--small" data-testid="insert-article-text" onClick={() => insertIntoReply(conversationId, a.text)}>
                  Insert text
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
