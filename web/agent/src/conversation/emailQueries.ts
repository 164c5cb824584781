import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";

export type EmailPartOut = Schemas["EmailPartOut"];
export type EmailFileOut = Schemas["EmailFileOut"];

/** The HTML and attachments of an e-mail conversation's received mails, by message id.
 *  Keyed by the newest customer message too, so a mail that arrives brings its parts. */
export function useEmailParts(conversationId: string, enabled: boolean, lastVisitorId: string | null) {
  return useQuery({
    queryKey: ["conversation", conversationId, "email-parts", lastVisitorId ?? ""] as const,
    queryFn: () =>
      unwrap(
        api.GET("/v1/channels/email/conversations/{conversation_id}/parts", {
          params: { path: { conversation_id: conversationId } },
        }),
      ),
    enabled,
    // The signed links hold for an hour: fetch fresh ones well before.
    staleTime: 30 * 60_000,
    select: (data) => new Map(data.items.map((part) => [part.message_id, part])),
  });
}
