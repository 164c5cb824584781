import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas, type UserOut } from "../api/client";
import { keys } from "../api/keys";

export type UserIn = Schemas["UserIn"];
export type SiteKeyIn = Schemas["SiteKeyIn"];
export type SiteKeyOut = Schemas["SiteKeyOut"];
export type SiteKeyChange = Schemas["SiteKeyChange"];
export type ApiTokenOut = Schemas["ApiTokenOut"];
export type ApiTokenCreated = Schemas["ApiTokenCreated"];
export type IdentitySecretOut = Schemas["IdentitySecretOut"];

/* ---------------------------------------------------------------- team -- */
// The list itself is useUsers() (conversation/queries.ts): one cache entry,
// kept live by presence.changed frames.

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UserIn) => unwrap(api.POST("/v1/users", { body })),
    onSuccess(user) {
      queryClient.setQueryData<UserOut[]>(keys.users, (users) => (users ? [...users, user] : users));
      void queryClient.invalidateQueries({ queryKey: keys.users });
    },
  });
}

/* ----------------------------------------------------------- site keys -- */

export function useSiteKeys() {
  return useQuery({ queryKey: keys.siteKeys, queryFn: () => unwrap(api.GET("/v1/site-keys")) });
}

export function useCreateSiteKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SiteKeyIn) => unwrap(api.POST("/v1/site-keys", { body })),
    onSuccess(siteKey) {
      queryClient.setQueryData<SiteKeyOut[]>(keys.siteKeys, (list) => (list ? [...list, siteKey] : list));
      void queryClient.invalidateQueries({ queryKey: keys.siteKeys });
    },
  });
}

export function useChangeSiteKey(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SiteKeyChange) =>
      unwrap(api.PATCH("/v1/site-keys/{site_key_id}", { params: { path: { site_key_id: id } }, body })),
    onSuccess(changed) {
      queryClient.setQueryData<SiteKeyOut[]>(keys.siteKeys, (list) => list?.map((k) => (k.id === changed.id ? changed : k)));
      void queryClient.invalidateQueries({ queryKey: keys.siteKeys });
    },
  });
}

export function useDeleteSiteKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/site-keys/{site_key_id}", { params: { path: { site_key_id: id } } })),
    onSuccess(_, id) {
      queryClient.setQueryData<SiteKeyOut[]>(keys.siteKeys, (list) => list?.filter((k) => k.id !== id));
      void queryClient.invalidateQueries({ queryKey: keys.siteKeys });
    },
  });
}

/** A site key's identity secret (made on the first read); only fetched when asked for. */
export function useIdentitySecret(siteKeyId: string, enabled: boolean) {
  return useQuery({
    queryKey: ["identity-secret", siteKeyId],
    enabled,
    queryFn: () =>
      unwrap(api.GET("/v1/site-keys/{site_key_id}/identity-secret", { params: { path: { site_key_id: siteKeyId } } })),
  });
}

/** A new identity secret; the replaced one still verifies for ``graceHours`` (0: not at all). */
export function useRotateIdentitySecret(siteKeyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (graceHours: number) =>
      unwrap(
        api.POST("/v1/site-keys/{site_key_id}/identity-secret/rotate", {
          params: { path: { site_key_id: siteKeyId }, query: { grace_hours: graceHours } },
        }),
      ),
    onSuccess(secret) {
      queryClient.setQueryData<IdentitySecretOut>(["identity-secret", siteKeyId], secret);
    },
  });
}

/* ---------------------------------------------------------- api tokens -- */

export function useApiTokens() {
  return useQuery({ queryKey: keys.apiTokens, queryFn: () => unwrap(api.GET("/v1/api-tokens")) });
}

export function useCreateApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => unwrap(api.POST("/v1/api-tokens", { body: { name } })),
    // Drop the finished mutation (and the secret in its result) as soon as the form is gone.
    gcTime: 0,
    onSuccess(created) {
      // The list never holds the secret: only the creating form shows it, once.
      const { token: _secret, ...listed } = created;
      queryClient.setQueryData<ApiTokenOut[]>(keys.apiTokens, (list) => (list ? [...list, listed] : list));
      void queryClient.invalidateQueries({ queryKey: keys.apiTokens });
    },
  });
}

export function useRevokeApiToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/api-tokens/{token_id}", { params: { path: { token_id: id } } })),
    onSuccess(_, id) {
      queryClient.setQueryData<ApiTokenOut[]>(keys.apiTokens, (list) => list?.filter((t) => t.id !== id));
      void queryClient.invalidateQueries({ queryKey: keys.apiTokens });
    },
  });
}
