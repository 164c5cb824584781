import { useState, type FormEvent } from "react";
import { errorMessage } from "../api/client";
import { DangerButton } from "../admin/parts";
import { NO_ERRORS, formErrors, type FormErrors } from "../ui/formErrors";
import { FormError, FormField } from "../ui/FormField";
import { ArticleHistory } from "./ArticleHistory";
import {
  LANGUAGES,
  useArticle,
  useCategories,
  useChangeCategory,
  useDeleteArticle,
  usePreview,
  useSaveTranslation,
  useSetStatus,
  type ArticleOut,
} from "./queries";
import { openKnowledge } from "./route";

type Lang = (typeof LANGUAGES)[number];
const FIELDS = ["title", "body", "slug", "base_version"] as const;
type Field = (typeof FIELDS)[number];

/** One article: its translations as tabs, each with text, preview, publishing and history. */
export function ArticleEditor({ articleId, canWrite }: { articleId: string; canWrite: boolean }) {
  const article = useArticle(articleId);
  const [language, setLanguage] = useState<Lang | null>(null);
  if (article.isPending) return <p className="empty">Loading the article…</p>;
  if (article.isError) return <p className="empty empty--error" role="alert">{errorMessage(article.error)}</p>;
  const data = article.data;
  const existing = data.translations.map((t) => t.language as Lang);
  const current: Lang = language ?? existing[0] ?? "cs";
  return (
    <div className="admin-stack">
      <div>
        <button type="button" className="button button--ghost" onClick={() => openKnowledge()}>
          ← All articles
        </button>
      </div>
      <ArticleMeta article={data} canWrite={canWrite} />
      <div className="segmented knowledge__languages" role="tablist" aria-label="Translations">
        {LANGUAGES.filter((l) => existing.includes(l) || canWrite).map((l) => (
          <button
            key={l}
            type="button"
            role="tab"
            aria-selected={l === current}
            data-testid={`knowledge-lang-${l}`}
            className={`segmented__item${l === current ? " segmented__item--active" : ""}${existing.includes(l) ? "" : " knowledge__lang--missing"}`}
            onClick={() => setLanguage(l)}
          >
            {l.toUpperCase()}
            {existing.includes(l) ? "" : " +"}
          </button>
        ))}
      </div>
      <TranslationForm key={`${current}`} article={data} language={current} canWrite={canWrite} />
      {existing.includes(current) && <ArticleHistory articleId={data.id} language={current} />}
    </div>
  );
}

function ArticleMeta({ article, canWrite }: { article: ArticleOut; canWrite: boolean }) {
  const categories = useCategories();
  const change = useChangeCategory(article.id);
  const remove = useDeleteArticle();
  return (
    <section className="card knowledge__meta">
      <label>
        Category{" "}
        <select
          className="select"
          disabled={!canWrite || change.isPending}
          value={article.category_id ?? ""}
          onChange={(e) => change.mutate(e.target.value || null)}
        >
          <option value="">None</option>
          {(categories.data ?? []).map((c) => (
            <option key={c.id} value={c.id}>{c.names["cs"] ?? c.names["en"] ?? c.slug}</option>
          ))}
        </select>
      </label>
      {canWrite && (
        <DangerButton
          label="Delete article"
          pendingLabel="Deleting…"
          failed="Could not delete"
          question="Delete this article and all its translations?"
          pending={remove.isPending}
          error={remove.isError ? errorMessage(remove.error) : null}
          testId="knowledge-delete"
          onConfirmed={() => remove.mutate(article.id, { onSuccess: () => openKnowledge({ view: "list" }, { replace: true }) })}
        />
      )}
    </section>
  );
}

function TranslationForm({ article, language, canWrite }: { article: ArticleOut; language: Lang; canWrite: boolean }) {
  const translation = article.translations.find((t) => t.language === language) ?? null;
  const save = useSaveTranslation(article.id);
  const setStatus = useSetStatus(article.id);
  const preview = usePreview();
  const [draft, setDraft] = useState({ title: translation?.title ?? "", slug: translation?.slug ?? "", body: translation?.body ?? "", note: "" });
  const [errors, setErrors] = useState<FormErrors<Field>>(NO_ERRORS);
  const [showPreview, setShowPreview] = useState(false);
  const changed = translation === null || draft.title !== translation.title || draft.body !== translation.body || draft.slug !== translation.slug;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (save.isPending) return;
    save.mutate(
      {
        language,
        body: { title: draft.title, body: draft.body, slug: draft.slug || null, note: draft.note, base_version: translation?.version ?? null },
      },
      {
        onSuccess: () => setDraft((d) => ({ ...d, note: "" })),
        onError: (error) => setErrors(formErrors(error, FIELDS)),
      },
    );
  }

  function togglePreview() {
    if (!showPreview) preview.mutate(draft.body);
    setShowPreview(!showPreview);
  }

  return (
    <form className="card admin-form" onSubmit={submit} noValidate data-testid="knowledge-editor">
      <header className="card__header">
        <h2 className="card__title">
          {translation ? `${language.toUpperCase()} · version ${translation.version}` : `New ${language.toUpperCase()} translation`}
        </h2>
        {translation && (
          <span className={`chip ${translation.status === "published" ? "chip--ok" : "chip--muted"}`} data-testid="knowledge-status">
            {translation.status}
          </span>
        )}
        {translation?.status === "published" && (
          <a className="knowledge__view" href={translation.url} target="_blank" rel="noreferrer" data-testid="knowledge-public-link">
            View on the help center
          </a>
        )}
        {translation && (
          <span className="table__muted knowledge__votes" title="Did this help?">
            👍 {translation.helpful} · 👎 {translation.not_helpful}
          </span>
        )}
      </header>
      <div className="card__body admin-form__body">
        <div className="admin-form__row">
          <FormField field="title" label="Title" required error={errors.fields.title} idPrefix={`kt-${language}`}>
            {(control) => <input {...control} readOnly={!canWrite} data-testid="knowledge-title" value={draft.title} onChange={(e) => { setDraft({ ...draft, title: e.target.value }); setErrors(NO_ERRORS); }} />}
          </FormField>
          <FormField field="slug" label="Address" hint="Leave empty to make one from the title." error={errors.fields.slug} idPrefix={`kt-${language}`}>
            {(control) => <input {...control} readOnly={!canWrite} data-testid="knowledge-slug" value={draft.slug} onChange={(e) => { setDraft({ ...draft, slug: e.target.value }); setErrors(NO_ERRORS); }} />}
          </FormField>
        </div>
        <FormField field="body" label="Text (Markdown)" error={errors.fields.body} idPrefix={`kt-${language}`}>
          {(control) => <textarea {...control} readOnly={!canWrite} rows={14} className="knowledge__body" data-testid="knowledge-body" value={draft.body} onChange={(e) => { setDraft({ ...draft, body: e.target.value }); setErrors(NO_ERRORS); }} />}
        </FormField>
        {showPreview && (
          <div className="knowledge__preview" data-testid="knowledge-preview" aria-live="polite">
            {preview.isPending ? (
              <p className="empty">Rendering…</p>
            ) : preview.isError ? (
              <p className="empty empty--error">{errorMessage(preview.error)}</p>
            ) : (
              // The server's HTML, sanitised by nh3 exactly as on the help center.
              <div dangerouslySetInnerHTML={{ __html: preview.data?.html ?? "" }} />
            )}
          </div>
        )}
        {canWrite && (
          <FormField field="note" label="What changed (for the history)" error={undefined} idPrefix={`kt-${language}`}>
            {(control) => <input {...control} data-testid="knowledge-note" value={draft.note} onChange={(e) => setDraft({ ...draft, note: e.target.value })} />}
          </FormField>
        )}
        <FormError message={errors.form ?? errors.fields.base_version ?? null} />
        {setStatus.isError && <FormError message={errorMessage(setStatus.error)} />}
        <div className="knowledge__buttons">
          <button type="button" className="button" data-testid="knowledge-preview-toggle" onClick={togglePreview}>
            {showPreview ? "Hide preview" : "Preview"}
          </button>
          {canWrite && (
            <button type="submit" className="button button--primary" data-testid="knowledge-save" disabled={save.isPending || !changed}>
              {save.isPending ? "Saving…" : "Save"}
            </button>
          )}
          {canWrite && translation && (
            <button
              type="button"
              className="button"
              data-testid="knowledge-publish"
              disabled={setStatus.isPending || changed}
              title={changed ? "Save first" : undefined}
              onClick={() => setStatus.mutate({ language, status: translation.status === "published" ? "draft" : "published" })}
            >
              {translation.status === "published" ? "Unpublish" : "Publish"}
            </button>
          )}
        </div>
      </div>
    </form>
  );
}
