import { useState } from "react";
import { ListState } from "../ui/ListState";
import { useDiff, useRevisions, type LANGUAGES } from "./queries";
import { locale } from "../i18n/i18n";

type Lang = (typeof LANGUAGES)[number];

/** The translation's saved versions; choosing one shows what it changed. */
export function ArticleHistory({ articleId, language }: { articleId: string; language: Lang }) {
  const revisions = useRevisions(articleId, language, true);
  const [chosen, setChosen] = useState<number | null>(null);
  const list = revisions.data ?? [];
  return (
    <section className="card" aria-labelledby="knowledge-history-title" data-testid="knowledge-history">
      <header className="card__header">
        <h2 className="card__title" id="knowledge-history-title">History</h2>
        {revisions.isSuccess && <span className="card__count">{list.length}</span>}
      </header>
      <ListState query={revisions} loading="Loading the history…" empty="No versions yet." isEmpty={list.length === 0} />
      <ol className="knowledge__history">
        {list.map((r) => (
          <li key={r.version}>
            <button
              type="button"
              className={`button button--small${chosen === r.version ? " button--primary" : ""}`}
              data-testid={`knowledge-version-${r.version}`}
              disabled={r.version === 1}
              onClick={() => setChosen(chosen === r.version ? null : r.version)}
            >
              Version {r.version}
            </button>{" "}
            <span className="table__muted">{new Date(r.created_at).toLocaleString(locale())}</span> {r.note && <span>— {r.note}</span>}
            {chosen === r.version && <Diff articleId={articleId} language={language} to={r.version} />}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Diff({ articleId, language, to }: { articleId: string; language: Lang; to: number }) {
  const diff = useDiff(articleId, language, to - 1, to);
  if (diff.isPending) return <p className="empty">Comparing…</p>;
  if (diff.isError) return <p className="empty empty--error">Could not compare the versions.</p>;
  return (
    <pre className="knowledge__diff" data-testid="knowledge-diff">
      {diff.data.diff.split("\n").map((line, i) => (
        <span key={i} className={line.startsWith("+") && !line.startsWith("+++") ? "knowledge__add" : line.startsWith("-") && !line.startsWith("---") ? "knowledge__del" : undefined}>
          {line}
          {"\n"}
        </span>
      ))}
    </pre>
  );
}
