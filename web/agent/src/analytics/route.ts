/** The analytics dashboard lives in the URL hash (#/analytics), like the wallboard. */
import { hashArea } from "../app/hashArea";

export const ANALYTICS_HASH = "#/analytics";

export function isAnalyticsHash(hash: string): boolean {
  return /^#\/analytics\/?$/.test(hash);
}

const area = hashArea<true>((hash) => (isAnalyticsHash(hash) ? true : null), () => ANALYTICS_HASH);

export const openAnalytics = (): void => area.open(true);
export const closeAnalytics = (): void => area.close();
export const useAnalyticsOpen = (): boolean => area.useRoute() !== null;
