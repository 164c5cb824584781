// The co-browse prompts and banner in Czech, Slovak and English (the widget's
// language rules: widget/i18n.ts). `#` is the agent's name.
import type { Lang } from "../widget/i18n";

export interface CobrowseTexts {
  ask: string;
  askControl: string;
  allow: string;
  deny: string;
  viewing: string;
  controlling: string;
  stop: string;
  ended: string;
  tooLarge: string;
}

export const COBROWSE_TEXTS: Record<Lang, CobrowseTexts> = {
  cs: {
    ask: "# by se rád(a) podíval(a) na tuto stránku s vámi. Uvidí jen stránku, ne hesla, platební ani osobní údaje.",
    askControl: "# by chtěl(a) za vás klikat a posouvat stránku. Povolit?",
    allow: "Povolit",
    deny: "Nepovolit",
    viewing: "# vidí tuto stránku",
    controlling: "# vidí tuto stránku a může na ní klikat",
    stop: "Ukončit",
    ended: "Sdílení stránky skončilo.",
    tooLarge: "Tato stránka je příliš velká na sdílení.",
  },
  sk: {
    ask: "# by sa rád(a) pozrel(a) na túto stránku s vami. Uvidí len stránku, nie heslá, platobné ani osobné údaje.",
    askControl: "# by chcel(a) za vás klikať a posúvať stránku. Povoliť?",
    allow: "Povoliť",
    deny: "Nepovoliť",
    viewing: "# vidí túto stránku",
    controlling: "# vidí túto stránku a môže na nej klikať",
    stop: "Ukončiť",
    ended: "Zdieľanie stránky skončilo.",
    tooLarge: "Táto stránka je príliš veľká na zdieľanie.",
  },
  en: {
    ask: "# would like to see this page with you. They see the page only: no passwords, payment or personal details.",
    askControl: "# would like to click and scroll on this page for you. Allow?",
    allow: "Allow",
    deny: "Don't allow",
    viewing: "An agent (#) is viewing this page",
    controlling: "An agent (#) is viewing this page and may click on it",
    stop: "Stop",
    ended: "Co-browsing has ended.",
    tooLarge: "This page is too large to share.",
  },
};
