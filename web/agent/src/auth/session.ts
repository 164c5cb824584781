import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, setCsrfToken, unwrap, type LoginIn, type MeOut } from "../api/client";
import { keys } from "../api/keys";

/** The signed-in agent, or null when there is no session (401). */
export async function fetchMe(): Promise<MeOut | null> {
  try {
    const me = await unwrap(api.GET("/v1/auth/me"), { quiet401: true });
    setCsrfToken(me.csrf_token);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export function useMe() {
  return useQuery({ queryKey: keys.me, queryFn: fetchMe, staleTime: 60_000, retry: 1 });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: LoginIn) => unwrap(api.POST("/v1/auth/login", { body: credentials }), { quiet401: true }),
    onSuccess(me) {
      setCsrfToken(me.csrf_token);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.me[0] });
      queryClient.setQueryData(keys.me, me);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/v1/auth/logout"), { quiet401: true }).catch(() => undefined),
    onSettled() {
      setCsrfToken(null);
      // Set "no session" on the live me query (clear() would orphan its
      // observer), then drop everything the previous agent could see.
      queryClient.setQueryData(keys.me, null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.me[0] });
      history.replaceState(null, "", window.location.pathname);
    },
  });
}
