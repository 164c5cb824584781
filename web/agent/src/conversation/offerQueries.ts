import { useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";

export type ConversationOfferOut = Schemas["ConversationOfferOut"];
export type OfferCardOut = Schemas["OfferCardOut"];

/** The accepted offers behind a conversation, each with its context card. Under the
 *  conversation's key, so refreshing the conversation refreshes them too. */
export function useConversationOffers(conversationId: string) {
  return useQuery({
    queryKey: ["conversation", conversationId, "offers"] as const,
    queryFn: () =>
      unwrap(api.GET("/v1/conversations/{conversation_id}/offers", { params: { path: { conversation_id: conversationId } } })),
    staleTime: 60_000, // an accepted offer's context does not change
  });
}

/** The cards that replace their system note (by the note's id), and those without a note
 *  in the list (a callback's context rides in its own note), shown above the messages. */
export function placeOfferCards(
  offers: readonly ConversationOfferOut[],
  messageIds: ReadonlySet<string>,
): { byNote: Map<string, ConversationOfferOut>; loose: ConversationOfferOut[] } {
  const byNote = new Map<string, ConversationOfferOut>();
  const loose: ConversationOfferOut[] = [];
  for (const offer of offers) {
    if (offer.note_id && messageIds.has(offer.note_id)) byNote.set(offer.note_id, offer);
    else loose.push(offer);
  }
  return { byNote, loose };
}
