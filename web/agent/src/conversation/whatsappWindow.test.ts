import { afterEach, describe, expect, it } from "vitest";
import { setLang } from "../i18n/i18n";
import { previewTemplate, templateKey, templateProblem, windowState } from "./whatsappWindow";

describe("WhatsApp's 24-hour window", () => {
  const now = Date.parse("2026-06-02T08:00:00Z");
  const window = (closes_at: string | null) => ({ closes_at, last_customer_message_at: closes_at && "2026-06-01T09:00:00Z" });

  it("counts down to the moment the window closes", () => {
    expect(windowState(window("2026-06-02T12:05:00Z"), now)).toEqual({
      open: true,
      tone: "open",
      text: "WhatsApp window: 4h 05m left to reply freely",
    });
    expect(windowState(window("2026-06-02T08:30:00Z"), now)).toMatchObject({ open: true, tone: "soon", text: "WhatsApp window: 30:00 left to reply freely" });
  });

  it("is closed from closes_at on, and says why", () => {
    const closed = windowState(window("2026-06-02T08:00:00Z"), now);
    expect(closed.open).toBe(false);
    expect(closed.tone).toBe("closed");
    expect(closed.text).toContain("more than 24 hours ago");
    expect(closed.text).toContain("approved template");
  });

  afterEach(() => setLang("en"));

  it("speaks the desktop's language", () => {
    setLang("cs");
    expect(windowState(window("2026-06-02T12:05:00Z"), now).text).toBe("Okno WhatsAppu: na volnou odpověď zbývá 4h 05m");
    expect(windowState(window(null), now).text).toContain("schválenou šablonu");
    expect(templateProblem({ parameters: 1 }, [""])).toBe("Vyplňte {{1}}.");
  });

  it("is closed for a customer who never wrote to the number", () => {
    const never = windowState(window(null), now);
    expect(never.open).toBe(false);
    expect(never.text).toContain("has not written");
  });
});

describe("the template picker", () => {
  const template = { parameters: 2 };

  it("previews the body with the values typed so far", () => {
    const body = "Hi {{1}}, your order #{{2}} has shipped. {{1}}!";
    expect(previewTemplate(body, ["Pablo", ""])).toBe("Hi Pablo, your order #{{2}} has shipped. Pablo!");
    expect(previewTemplate(body, [" Pablo ", "860198"])).toBe("Hi Pablo, your order #860198 has shipped. Pablo!");
  });

  it("says which parameter still needs a value, as WhatsApp would refuse it", () => {
    expect(templateProblem(template, ["Pablo"])).toBe("Fill in {{2}}.");
    expect(templateProblem(template, ["  ", "x"])).toBe("Fill in {{1}}.");
    expect(templateProblem(template, ["a\nb", "x"])).toContain("new lines");
    expect(templateProblem(template, ["a     b", "x"])).toContain("four spaces");
    expect(templateProblem(template, ["a", "x".repeat(1025)])).toContain("1,024");
    expect(templateProblem(template, ["Pablo", "860198"])).toBeNull();
    expect(templateProblem({ parameters: 0 }, [])).toBeNull();
  });

  it("tells templates apart by name and language", () => {
    expect(templateKey({ name: "follow_up", language: "en_US" })).not.toBe(templateKey({ name: "follow_up", language: "es" }));
  });
});
