/** The wallboard lives in the URL hash (#/wallboard), like the visitors, rules and admin areas. */
import { hashArea } from "../app/hashArea";

export const WALLBOARD_HASH = "#/wallboard";

export function isWallboardHash(hash: string): boolean {
  return /^#\/wallboard\/?$/.test(hash);
}

const area = hashArea<true>((hash) => (isWallboardHash(hash) ? true : null), () => WALLBOARD_HASH);

export const openWallboard = (): void => area.open(true);
export const closeWallboard = (): void => area.close();
export const useWallboardOpen = (): boolean => area.useRoute() !== null;
