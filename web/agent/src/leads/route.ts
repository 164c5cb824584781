/** The leads area lives in the URL hash like the tickets area: #/leads. */
import { hashArea } from "../app/hashArea";

export type LeadsRoute = { view: "list" };

export function leadsRouteFromHash(hash: string): LeadsRoute | null {
  return /^#\/leads\/?$/.test(hash) ? { view: "list" } : null;
}

const area = hashArea(leadsRouteFromHash, () => "#/leads");

export const openLeads = (): void => area.open({ view: "list" });
export const closeLeads = (): void => area.close();
export const useLeadsRoute = (): LeadsRoute | null => area.useRoute();
