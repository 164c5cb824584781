import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import { keys } from "../api/keys";
import { ticketListQuery, type TicketDetail, type TicketFilter } from "./logic";

export type TicketPatch = Schemas["TicketPatch"];
export type TicketIn = Schemas["TicketIn"];

export const TICKET_PAGE = 25;

/** One page of the list; `cursor` is the page's start (null: the first page). */
export function useTicketList(filter: TicketFilter, cursor: string | null) {
  const query = ticketListQuery(filter, TICKET_PAGE, cursor);
  return useQuery({
    queryKey: keys.ticketList(query),
    queryFn: ({ signal }) => unwrap(api.GET("/v1/tickets", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useTicket(id: string) {
  return useQuery({
    queryKey: keys.ticket(id),
    queryFn: ({ signal }) => unwrap(api.GET("/v1/tickets/{ticket_id}", { params: { path: { ticket_id: id } }, signal })),
  });
}

export function useTicketHistory(id: string) {
  return useQuery({
    queryKey: keys.ticketHistory(id),
    queryFn: ({ signal }) => unwrap(api.GET("/v1/tickets/{ticket_id}/history", { params: { path: { ticket_id: id } }, signal })),
  });
}

/**
 * Every ticket of the contact (any status). The conversation header looks for the one
 * its conversation belongs to: there is no conversation → ticket lookup in the API.
 */
export function useContactAllTickets(contactId: string) {
  return useQuery({
    queryKey: keys.contactAllTickets(contactId),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/v1/contacts/{contact_id}/tickets", { params: { path: { contact_id: contactId }, query: { status: "all" } }, signal })),
    staleTime: 30_000,
  });
}

/** A write answered with the ticket: keep it, and let every list and the contact's tickets refetch. */
function afterWrite(queryClient: QueryClient, ticket: TicketDetail): void {
  queryClient.setQueryData(keys.ticket(ticket.id), ticket);
  void queryClient.invalidateQueries({ queryKey: keys.ticketHistory(ticket.id) });
  void queryClient.invalidateQueries({ queryKey: ["tickets", "list"] });
  void queryClient.invalidateQueries({ queryKey: keys.contactAllTickets(ticket.contact.id) });
  void queryClient.invalidateQueries({ queryKey: keys.contactTickets(ticket.contact.id) });
}

export function useUpdateTicket(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: TicketPatch) => unwrap(api.PATCH("/v1/tickets/{ticket_id}", { params: { path: { ticket_id: id } }, body: patch })),
    onSuccess: (ticket) => afterWrite(queryClient, ticket),
    // A 409 (someone else moved it on) means what is shown is stale.
    onError: () => void queryClient.invalidateQueries({ queryKey: keys.ticket(id) }),
  });
}

export function useAddNote(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: string) => unwrap(api.POST("/v1/tickets/{ticket_id}/notes", { params: { path: { ticket_id: id } }, body: { body } })),
    onSuccess: (note) => {
      queryClient.setQueryData<TicketDetail>(keys.ticket(id), (old) => (old ? { ...old, notes: [...old.notes, note] } : old));
      void queryClient.invalidateQueries({ queryKey: keys.ticket(id) });
    },
  });
}

export function useCreateTicket(conversationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TicketIn) =>
      unwrap(api.POST("/v1/conversations/{conversation_id}/ticket", { params: { path: { conversation_id: conversationId } }, body })),
    onSuccess: (ticket) => afterWrite(queryClient, ticket),
  });
}
