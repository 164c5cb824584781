import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";

export type BotConfigOut = Schemas["BotConfigOut"];
export type BotConfigIn = Schemas["BotConfigIn"];
export type BotSessionOut = Schemas["BotSessionOut"];

/** Only this feature reads these, so the keys live here rather than in api/keys.ts. */
const CONFIGS_KEY = ["bot", "configs"] as const;

export function useBotConfigs() {
  return useQuery({ queryKey: CONFIGS_KEY, queryFn: () => unwrap(api.GET("/v1/bot/configs")) });
}

export function useSaveBotConfig() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ scope, body }: { scope: string; body: BotConfigIn }) =>
      unwrap(api.PUT("/v1/bot/configs/{scope}", { params: { path: { scope } }, body })),
    onSuccess() {
      void queryClient.invalidateQueries({ queryKey: CONFIGS_KEY });
    },
  });
}
