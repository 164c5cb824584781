import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, describe, expect, it } from "vitest";
import { ParamInput } from "./ParamInput";
import { paramFields } from "./schemaForm";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// As pydantic writes it for the compared_back_and_forth and terms_revisited templates.
const SCHEMA = {
  type: "object",
  properties: {
    any_category: {
      type: "boolean",
      default: false,
      title: "Any Category",
      description: "also when the other product is of another category",
    },
    path: {
      anyOf: [{ type: "string", maxLength: 512, minLength: 1 }, { type: "null" }],
      default: "/terms*",
      title: "Path",
      description: "the terms page's path as in its URL; * stands for any characters",
    },
  },
  required: [],
};

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = "";
});

function render(name: string): HTMLElement {
  const field = paramFields(SCHEMA).find((f) => f.name === name)!;
  const host = document.createElement("div");
  document.body.append(host);
  root = createRoot(host);
  act(() => root!.render(<ParamInput field={field} value={undefined} error={undefined} onChange={() => undefined} />));
  return host;
}

describe("ParamInput shows what each parameter means", () => {
  it("a yes/no option has its description, tied to the checkbox", () => {
    const host = render("any_category");
    const box = host.querySelector<HTMLInputElement>("[data-testid=param-any_category]")!;
    const hint = document.getElementById(box.getAttribute("aria-describedby")!);
    expect(hint?.textContent).toBe("also when the other product is of another category");
  });

  it("a text parameter has its description among its hints", () => {
    const host = render("path");
    expect(host.textContent).toContain("the terms page's path as in its URL; * stands for any characters");
  });
});
