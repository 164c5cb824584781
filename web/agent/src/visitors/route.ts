/** The live visitors view lives in the URL hash (#/visitors), like the admin and rules areas. */
import { hashArea } from "../app/hashArea";

export const VISITORS_HASH = "#/visitors";

export function isVisitorsHash(hash: string): boolean {
  return /^#\/visitors\/?$/.test(hash);
}

const area = hashArea<true>((hash) => (isVisitorsHash(hash) ? true : null), () => VISITORS_HASH);

export const openVisitors = (): void => area.open(true);
export const closeVisitors = (): void => area.close();
export const useVisitorsOpen = (): boolean => area.useRoute() !== null;
