import { useState, type FormEvent } from "react";
import type { MeOut } from "../api/client";
import { NO_ERRORS, formErrors, type FormErrors } from "../ui/formErrors";
import { FormError, FormField } from "../ui/FormField";
import { ListState } from "../ui/ListState";
import { ArticleEditor } from "./ArticleEditor";
import { HelpCenterCard } from "./HelpCenterCard";
import "./knowledge.css";
import { LANGUAGES, useArticles, useCategories, useCreateArticle, type ArticleOut } from "./queries";
import { openKnowledge, type KnowledgeRoute } from "./route";
import { t } from "../i18n/i18n";

/** The knowledge area: the articles, a new one, or one article's editor. */
export function KnowledgeArea({ me, route }: { me: MeOut; route: KnowledgeRoute }) {
  const canWrite = me.user.role === "admin" || me.user.role === "supervisor";
  return (
    <section className="admin knowledge" aria-labelledby="knowledge-title">
      <header className="admin__header area__header">
        <div className="admin__heading">
          <h1 className="admin__title" id="knowledge-title">Help center</h1>
          <p className="admin__sub">Articles your customers, the widget and the bot find answers in</p>
        </div>
      </header>
      <div className="admin__body">
        {route.view === "article" ? (
          <ArticleEditor key={route.id} articleId={route.id} canWrite={canWrite} />
        ) : route.view === "new" && canWrite ? (
          <NewArticle />
        ) : (
          <ArticleList canWrite={canWrite} isAdmin={me.user.role === "admin"} />
        )}
      </div>
    </section>
  );
}

function titleOf(article: ArticleOut): string {
  return article.translations[0]?.title ?? "(no text)";
}

function ArticleList({ canWrite, isAdmin }: { canWrite: boolean; isAdmin: boolean }) {
  const articles = useArticles();
  const categories = useCategories();
  const list = articles.data?.items ?? [];
  const names = new Map((categories.data ?? []).map((c) => [c.id, c.names["cs"] ?? c.names["en"] ?? c.slug]));
  return (
    <div className="admin-stack">
      <section className="card" aria-label="Articles">
        <header className="card__header">
          <h2 className="card__title">Articles</h2>
          {articles.isSuccess && <span className="card__count">{list.length}</span>}
          {canWrite && (
            <button type="button" className="button button--primary knowledge__new" data-testid="knowledge-new" onClick={() => openKnowledge({ view: "new" })}>
              New article
            </button>
          )}
        </header>
        <ListState query={articles} loading="Loading articles…" empty="No articles yet." isEmpty={list.length === 0} />
        {list.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Category</th>
                <th scope="col">Languages</th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id} className="table__row--link" data-testid="knowledge-row" onClick={() => openKnowledge({ view: "article", id: a.id })}>
                  <td className="table__name">
                    <a href={`#/knowledge/${encodeURIComponent(a.id)}`}>{titleOf(a)}</a>
                  </td>
                  <td className="table__muted">{a.category_id ? names.get(a.category_id) ?? "" : ""}</td>
                  <td>
                    {a.translations.map((t) => (
                      <span key={t.language} className={`chip ${t.status === "published" ? "chip--ok" : "chip--muted"} knowledge__chip`}>
                        {t.language.toUpperCase()} {t.status === "published" ? "published" : "draft"}
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {isAdmin && <HelpCenterCard />}
    </div>
  );
}

const FIELDS = ["title", "body", "slug", "language", "category_id"] as const;
type Field = (typeof FIELDS)[number];

function NewArticle() {
  const create = useCreateArticle();
  const categories = useCategories();
  const [draft, setDraft] = useState({ language: "cs" as (typeof LANGUAGES)[number], title: "", body: "", category_id: "" });
  const [errors, setErrors] = useState<FormErrors<Field>>(NO_ERRORS);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (create.isPending) return;
    create.mutate(
      { language: draft.language, title: draft.title, body: draft.body, category_id: draft.category_id || null },
      {
        onSuccess: (article) => openKnowledge({ view: "article", id: article.id }, { replace: true }),
        onError: (error) => setErrors(formErrors(error, FIELDS)),
      },
    );
  }

  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-labelledby="knowledge-new-title" data-testid="knowledge-new-form">
      <header className="card__header">
        <h2 className="card__title" id="knowledge-new-title">New article</h2>
      </header>
      <div className="card__body admin-form__body">
        <div className="admin-form__row">
          <FormField field="language" label="Language" error={errors.fields.language}>
            {(control) => (
              <select {...control} className="select" data-testid="knowledge-new-language" value={draft.language} onChange={(e) => setDraft({ ...draft, language: e.target.value as (typeof LANGUAGES)[number] })}>
                {LANGUAGES.map((l) => (
                  <option key={l} value={l}>{l.toUpperCase()}</option>
                ))}
              </select>
            )}
          </FormField>
          <FormField field="category_id" label="Category" error={errors.fields.category_id}>
            {(control) => (
              <select {...control} className="select" value={draft.category_id} onChange={(e) => setDraft({ ...draft, category_id: e.target.value })}>
                <option value="">None</option>
                {(categories.data ?? []).map((c) => (
                  <option key={c.id} value={c.id}>{c.names["cs"] ?? c.names["en"] ?? c.slug}</option>
                ))}
              </select>
            )}
          </FormField>
        </div>
        <FormField field="title" label="Title" required error={errors.fields.title}>
          {(control) => <input {...control} data-testid="knowledge-new-title-input" value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.target.value })} />}
        </FormField>
        <FormField field="body" label="Text (Markdown)" error={errors.fields.body}>
          {(control) => <textarea {...control} rows={10} data-testid="knowledge-new-body" value={draft.body} onChange={(e) => setDraft({ ...draft, body: e.target.value })} />}
        </FormField>
        <FormError message={errors.form} />
        <div>
          <button type="submit" className="button button--primary" data-testid="knowledge-create" disabled={create.isPending}>
            {create.isPending ? "Saving…" : "Save as draft"}
          </button>{" "}
          <button type="button" className="button" onClick={() => openKnowledge()}>Cancel</button>
        </div>
      </div>
    </form>
  );
}

/** The sidebar entry. */
export function KnowledgeNavEntry({ active }: { active: boolean }) {
  return (
    <button
      type="button"
      className={`nav__item${active ? " nav__item--active" : ""}`}
      aria-current={active ? "page" : undefined}
      data-testid="nav-knowledge"
      onClick={() => openKnowledge()}
    >
      <span>{t("nav.helpCenter")}</span>
    </button>
  );
}
