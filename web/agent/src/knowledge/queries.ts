import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";

export type ArticleOut = Schemas["ArticleOut"];
export type TranslationOut = Schemas["TranslationOut"];
export type TranslationIn = Schemas["TranslationIn"];
export type RevisionOut = Schemas["RevisionOut"];
export type CategoryOut = Schemas["CategoryOut"];
export type HelpCenterOut = Schemas["HelpCenterOut"];
export type HelpCenterIn = Schemas["HelpCenterIn"];
export type Language = TranslationOut["language"] & ArticleIn["language"];
type ArticleIn = Schemas["ArticleIn"];

export const LANGUAGES: readonly ArticleIn["language"][] = ["cs", "en", "sk", "de", "pl", "hu"];

/** Query keys of this area (not merged from the socket). */
export const knowledgeKeys = {
  all: ["knowledge"] as const,
  articles: ["knowledge", "articles"] as const,
  article: (id: string) => ["knowledge", "articles", id] as const,
  revisions: (id: string, language: string) => ["knowledge", "articles", id, language, "revisions"] as const,
  diff: (id: string, language: string, from: number, to: number) => ["knowledge", "diff", id, language, from, to] as const,
  categories: ["knowledge", "categories"] as const,
  helpCenter: ["knowledge", "help-center"] as const,
};

export function useArticles() {
  return useQuery({ queryKey: knowledgeKeys.articles, queryFn: () => unwrap(api.GET("/v1/knowledge/articles")) });
}

export function useArticle(id: string) {
  return useQuery({
    queryKey: knowledgeKeys.article(id),
    queryFn: () => unwrap(api.GET("/v1/knowledge/articles/{article_id}", { params: { path: { article_id: id } } })),
  });
}

export function useCategories() {
  return useQuery({ queryKey: knowledgeKeys.categories, queryFn: () => unwrap(api.GET("/v1/knowledge/categories")) });
}

export function useHelpCenter() {
  return useQuery({ queryKey: knowledgeKeys.helpCenter, queryFn: () => unwrap(api.GET("/v1/knowledge/help-center")) });
}

export function useRevisions(id: string, language: ArticleIn["language"], enabled: boolean) {
  return useQuery({
    queryKey: knowledgeKeys.revisions(id, language),
    enabled,
    queryFn: () =>
      unwrap(
        api.GET("/v1/knowledge/articles/{article_id}/translations/{language}/revisions", {
          params: { path: { article_id: id, language } },
        }),
      ),
  });
}

export function useDiff(id: string, language: ArticleIn["language"], from: number, to: number) {
  return useQuery({
    queryKey: knowledgeKeys.diff(id, language, from, to),
    queryFn: () =>
      unwrap(
        api.GET("/v1/knowledge/articles/{article_id}/translations/{language}/diff", {
          params: { path: { article_id: id, language }, query: { from, to } },
        }),
      ),
  });
}

function useArticleWrite<V>(write: (vars: V) => Promise<ArticleOut>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess(article) {
      queryClient.setQueryData(knowledgeKeys.article(article.id), article);
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
    },
  });
}

export function useCreateArticle() {
  return useArticleWrite((body: ArticleIn) => unwrap(api.POST("/v1/knowledge/articles", { body })));
}

export function useSaveTranslation(id: string) {
  return useArticleWrite(({ language, body }: { language: ArticleIn["language"]; body: TranslationIn }) =>
    unwrap(
      api.PUT("/v1/knowledge/articles/{article_id}/translations/{language}", {
        params: { path: { article_id: id, language } },
        body,
      }),
    ),
  );
}

export function useSetStatus(id: string) {
  return useArticleWrite(({ language, status }: { language: ArticleIn["language"]; status: "draft" | "published" }) =>
    unwrap(
      api.POST("/v1/knowledge/articles/{article_id}/translations/{language}/status", {
        params: { path: { article_id: id, language } },
        body: { status },
      }),
    ),
  );
}

export function useChangeCategory(id: string) {
  return useArticleWrite((categoryId: string | null) =>
    unwrap(
      api.PATCH("/v1/knowledge/articles/{article_id}", {
        params: { path: { article_id: id } },
        body: { category_id: categoryId },
      }),
    ),
  );
}

export function useDeleteArticle() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/knowledge/articles/{article_id}", { params: { path: { article_id: id } } })),
    onSuccess() {
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
    },
  });
}

export function usePreview() {
  return useMutation({ mutationFn: (body: string) => unwrap(api.POST("/v1/knowledge/preview", { body: { body } })) });
}

export function useSaveHelpCenter() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: HelpCenterIn) => unwrap(api.PUT("/v1/knowledge/help-center", { body })),
    onSuccess(data) {
      queryClient.setQueryData(knowledgeKeys.helpCenter, data);
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.all });
    },
  });
}

export function useCreateCategory() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["CategoryIn"]) => unwrap(api.POST("/v1/knowledge/categories", { body })),
    onSuccess() {
      void queryClient.invalidateQueries({ queryKey: knowledgeKeys.categories });
    },
  });
}
