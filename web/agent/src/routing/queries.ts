import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";
import { keys } from "../api/keys";
import { isReservedFor } from "./reservations";
import { newerStats, parseRoutingStats, type QueueToday, type RoutingStats, type TaskOut } from "./stats";

export type QueueIn = Schemas["QueueIn"];
export type QueueOut = Schemas["QueueOut"];
export type AgentOut = Schemas["AgentOut"];
export type ProfileIn = Schemas["ProfileIn"];
export type TransferIn = Schemas["TransferIn"];

/** The wallboard as the desktop keeps it: `live` read into its shape, kept current by frames. */
export interface WallboardView {
  live: RoutingStats | null;
  today: QueueToday[];
}

/** Today's figures change with every answer; the live part comes by frames. */
export const TODAY_REFRESH_MS = 15_000;

/* ----------------------------------------------------------- wallboard -- */

export function useWallboard() {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: keys.wallboard,
    queryFn: async ({ signal }): Promise<WallboardView> => {
      const board = await unwrap(api.GET("/v1/routing/wallboard", { signal }));
      // A frame may have brought newer figures while this request was out.
      const cached = queryClient.getQueryData<WallboardView>(keys.wallboard);
      return { live: newerStats(cached?.live ?? null, parseRoutingStats(board.live)), today: board.today };
    },
    refetchInterval: TODAY_REFRESH_MS,
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
}

/* -------------------------------------------------------------- queues -- */

export function useQueues() {
  return useQuery({ queryKey: keys.routingQueues, queryFn: () => unwrap(api.GET("/v1/routing/queues")) });
}

export function useSaveQueue() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: QueueIn }) =>
      id
        ? unwrap(api.PUT("/v1/routing/queues/{queue_id}", { params: { path: { queue_id: id } }, body }))
        : unwrap(api.POST("/v1/routing/queues", { body })),
    onSuccess(queue) {
      queryClient.setQueryData<QueueOut[]>(keys.routingQueues, (list) =>
        list ? [...list.filter((q) => q.id !== queue.id), queue].sort((a, b) => a.name.localeCompare(b.name)) : list,
      );
      void queryClient.invalidateQueries({ queryKey: keys.routingQueues });
    },
  });
}

export function useDeleteQueue() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/routing/queues/{queue_id}", { params: { path: { queue_id: id } } })),
    onSuccess(_, id) {
      queryClient.setQueryData<QueueOut[]>(keys.routingQueues, (list) => list?.filter((q) => q.id !== id));
      void queryClient.invalidateQueries({ queryKey: keys.routingQueues });
    },
  });
}

/* -------------------------------------------------------------- agents -- */

export function useRoutingAgents() {
  return useQuery({ queryKey: keys.routingAgents, queryFn: () => unwrap(api.GET("/v1/routing/agents")) });
}

export function useSetProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, body }: { userId: string; body: ProfileIn }) =>
      unwrap(api.PUT("/v1/routing/agents/{user_id}", { params: { path: { user_id: userId } }, body })),
    onSuccess(agent) {
      queryClient.setQueryData<AgentOut[]>(keys.routingAgents, (list) => list?.map((a) => (a.id === agent.id ? agent : a)));
      // Web chat capacity is the user's chat capacity (the Team tab shows it).
      void queryClient.invalidateQueries({ queryKey: keys.users });
    },
  });
}

/* -------------------------------------------------------- reservations -- */

/** Reservations waiting for my answer (kept current by task.changed frames). */
export function useMyReservations(meId: string) {
  return useQuery({
    queryKey: keys.myReservations,
    queryFn: async ({ signal }) => {
      const tasks = await unwrap(api.GET("/v1/routing/tasks", { params: { query: { mine: true } }, signal }));
      return tasks.filter((t) => isReservedFor(t, meId));
    },
    staleTime: 0,
  });
}

function dropReservation(queryClient: ReturnType<typeof useQueryClient>, taskId: string): void {
  queryClient.setQueryData<TaskOut[]>(keys.myReservations, (list) => list?.filter((t) => t.id !== taskId));
}

export function useAnswerReservation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ task, answer }: { task: TaskOut; answer: "accept" | "reject" }) => {
      const params = { params: { path: { task_id: task.id } } };
      return answer === "accept"
        ? unwrap(api.POST("/v1/routing/tasks/{task_id}/accept", params))
        : unwrap(api.POST("/v1/routing/tasks/{task_id}/reject", params));
    },
    onSuccess(_, { task }) {
      dropReservation(queryClient, task.id);
    },
  });
}

/** Removes a reservation card the server no longer holds (after a 409, once it was shown). */
export function useDropReservation() {
  const queryClient = useQueryClient();
  return (taskId: string) => dropReservation(queryClient, taskId);
}

/* ------------------------------------------------------------ transfer -- */

/** To a queue or an agent, with an optional private note; the conversation's frames show the result. */
export function useTransfer(conversationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TransferIn) =>
      unwrap(api.POST("/v1/conversations/{conversation_id}/transfer", { params: { path: { conversation_id: conversationId } }, body })),
    onSuccess() {
      void queryClient.invalidateQueries({ queryKey: keys.conversation(conversationId) });
    },
  });
}
