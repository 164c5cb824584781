import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { keys } from "../api/keys";

export type RuleOut = Schemas["RuleOut"];
export type RuleVersionOut = Schemas["RuleVersionOut"];
export type TemplateOut = Schemas["TemplateOut"];
export type BacktestOut = Schemas["BacktestOut"];
export type RuleData = RuleOut["data"];

export interface Firing {
  visitor_id: string;
  session_id: string | null;
  at: string;
  text: string;
}

export function useRules() {
  return useQuery({ queryKey: keys.rules, queryFn: () => unwrap(api.GET("/v1/rules")) });
}

export function useRule(key: string) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: keys.rule(key),
    queryFn: ({ signal }) => unwrap(api.GET("/v1/rules/{key}", { params: { path: { key } }, signal })),
    // The list already holds the rule: show it at once.
    initialData: () => queryClient.getQueryData<RuleOut[]>(keys.rules)?.find((r) => r.key === key),
    initialDataUpdatedAt: () => queryClient.getQueryState(keys.rules)?.dataUpdatedAt,
  });
}

export function useRuleVersions(key: string) {
  return useQuery({
    queryKey: keys.ruleVersions(key),
    queryFn: ({ signal }) => unwrap(api.GET("/v1/rules/{key}/versions", { params: { path: { key } }, signal })),
  });
}

export function useRuleTemplates() {
  return useQuery({
    queryKey: keys.ruleTemplates,
    queryFn: () => unwrap(api.GET("/v1/rule-templates")),
    staleTime: Infinity,
  });
}

/** A changed rule replaces its list row and its own entry; its history is fetched again. */
function useStoreRule() {
  const queryClient = useQueryClient();
  return (rule: RuleOut) => {
    queryClient.setQueryData<RuleOut[]>(keys.rules, (list) => {
      if (!list) return list;
      const found = list.some((r) => r.key === rule.key);
      const next = found ? list.map((r) => (r.key === rule.key ? rule : r)) : [...list, rule];
      return next.sort((a, b) => a.key.localeCompare(b.key));
    });
    queryClient.setQueryData(keys.rule(rule.key), rule);
    void queryClient.invalidateQueries({ queryKey: keys.ruleVersions(rule.key) });
  };
}

export function useBuildFromTemplate() {
  return useMutation({
    mutationFn: ({ template, params }: { template: string; params: Record<string, unknown> }) =>
      unwrap(api.POST("/v1/rule-templates/{template}/build", { params: { path: { template } }, body: { params } })),
  });
}

export function useCreateRule() {
  const store = useStoreRule();
  return useMutation({
    mutationFn: (data: RuleData) => unwrap(api.POST("/v1/rules", { body: { data } })),
    onSuccess: store,
  });
}

export function useUpdateRule(key: string) {
  const store = useStoreRule();
  return useMutation({
    mutationFn: ({ data, note }: { data: RuleData; note: string | null }) =>
      unwrap(api.PUT("/v1/rules/{key}", { params: { path: { key } }, body: { data, note } })),
    onSuccess: store,
  });
}

export function useSetRuleEnabled() {
  const store = useStoreRule();
  return useMutation({
    mutationFn: ({ key, enabled }: { key: string; enabled: boolean }) =>
      unwrap(api.PUT("/v1/rules/{key}/enabled", { params: { path: { key } }, body: { enabled } })),
    onSuccess: store,
  });
}

export function useBacktest() {
  return useMutation({
    mutationFn: ({ data, days }: { data: RuleData; days: number }) =>
      unwrap(api.POST("/v1/rules/backtest", { body: { data, days } })),
  });
}

/** `value`, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export const VALIDATE_DELAY_MS = 400;

/**
 * As-you-type validation: the rule data, ~400 ms after the last change, is
 * checked by the server (POST /v1/rules/validate). A 422 is the answer here,
 * not a failure: its field errors are what the form shows. `null` data (the
 * JSON part does not parse) is not sent.
 */
export function useRuleValidation(data: RuleData | null) {
  const serialized = data === null ? null : JSON.stringify(data);
  const settled = useDebounced(serialized, VALIDATE_DELAY_MS);
  const query = useQuery({
    queryKey: keys.ruleValidation(settled),
    queryFn: ({ signal }) =>
      unwrap(api.POST("/v1/rules/validate", { body: { data: JSON.parse(settled!) as RuleData }, signal })),
    enabled: settled !== null,
    retry: false,
    staleTime: Infinity,
    gcTime: 60_000,
    placeholderData: keepPreviousData,
  });
  // The last answer stays on screen while the next one is on its way, so the
  // errors under the fields do not flicker as the manager types.
  const [answer, setAnswer] = useState<{ error: unknown; valid: boolean }>({ error: null, valid: false });
  const settledAnswer = !query.isFetching && (query.isSuccess || query.isError);
  useEffect(() => {
    if (settledAnswer) setAnswer({ error: query.isError ? query.error : null, valid: query.isSuccess });
  }, [settledAnswer, query.isError, query.isSuccess, query.error]);
  return { error: answer.error, valid: answer.valid, checking: serialized !== settled || query.isFetching };
}
