import { describe, expect, it } from "vitest";
import { HANDOFF, flowDraftOf, flowOf, flowSlot, newFlow, newStep, removeStep, renameStep, type FlowIn } from "./flowDraft";

const ORDER: FlowIn = {
  name: "order",
  keywords: ["objednávk", "order"],
  steps: [
    { id: "ask", say: "Jaké je číslo objednávky?", collect: "order_number", next: "menu", handoff: false },
    {
      id: "menu",
      say: "Co potřebujete?",
      buttons: [
        { label: "Stav", next: "status", handoff: false },
        { label: "Člověk", handoff: true },
      ],
      handoff: false,
    },
    { id: "status", say: "Vezeme {{order_number}}.", next: "mail", handoff: false },
    { id: "mail", say: "Váš e-mail?", collect: "email", handoff: false },
    { id: "bye", say: "Předávám kolegovi.", handoff: true },
  ],
};

describe("flow drafts", () => {
  it("gives each step one kind and reads back the same flow", () => {
    const draft = flowDraftOf(ORDER);
    expect(draft.steps.map((s) => s.kind)).toEqual(["collect", "buttons", "message", "collect", "handoff"]);
    expect(draft.steps[1]?.buttons).toEqual([
      { label: "Stav", target: "status" },
      { label: "Člověk", target: HANDOFF },
    ]);
    expect(flowOf(draft)).toEqual(ORDER);
  });

  it("keeps only what the kind uses and splits the keywords", () => {
    const step = { ...newStep([]), id: "a", say: "Ahoj", kind: "handoff" as const, next: "b", buttons: [{ label: "x", target: "b" }] };
    expect(flowOf({ name: " f ", keywords: "a, ,b ,", steps: [step] })).toEqual({
      name: "f",
      keywords: ["a", "b"],
      steps: [{ id: "a", say: "Ahoj", handoff: true }],
    });
    const unset = { ...step, kind: "buttons" as const, buttons: [{ label: "x", target: "" }] };
    expect(flowOf({ name: "f", keywords: "a", steps: [unset] }).steps[0]?.buttons).toEqual([{ label: "x", next: null, handoff: false }]);
  });

  it("makes new steps with free ids", () => {
    const flow = newFlow();
    expect(flow.steps.map((s) => s.id)).toEqual(["start"]);
    const steps = [...flow.steps, { ...newStep(flow.steps), id: "step-3" }];
    expect(newStep(steps).id).toBe("step-4");
  });

  it("renaming a step moves what leads to it; removing one leaves those open", () => {
    const steps = flowDraftOf(ORDER).steps;
    const renamed = renameStep(steps, 1, "choice");
    expect(renamed[0]?.next).toBe("choice");
    expect(renamed[1]?.id).toBe("choice");
    const twice = renameStep(renameStep(steps, 2, "ask"), 2, "status");
    expect(twice[0]?.id).toBe("ask"); // a duplicate id renamed again takes nothing with it
    expect(twice[1]?.buttons[0]?.target).toBe("ask");
    const removed = removeStep(steps, 2);
    expect(removed.map((s) => s.id)).toEqual(["ask", "menu", "mail", "bye"]);
    expect(removed[1]?.buttons[0]?.target).toBe("");
  });

  it("places the server's errors on the editor's controls", () => {
    expect(flowSlot("flows.0.steps.2.next")).toBe("flows.0.steps.2.next");
    expect(flowSlot("flows.0.steps.1.id")).toBe("flows.0.steps.1.id");
    expect(flowSlot("flows.0.steps.1.buttons")).toBe("flows.0.steps.1.kind");
    expect(flowSlot("flows.0.steps.1.handoff")).toBe("flows.0.steps.1.kind");
    expect(flowSlot("flows.0.steps.1.buttons.0.next")).toBe("flows.0.steps.1.buttons.0");
    expect(flowSlot("flows.0.steps.1.buttons.0")).toBe("flows.0.steps.1.buttons.0");
    expect(flowSlot("flows.1.keywords.0")).toBe("flows.1.keywords");
    expect(flowSlot("flows.1.keywords")).toBe("flows.1.keywords");
    expect(flowSlot("flows.1.steps")).toBe("flows.1.steps");
    expect(flowSlot("flows.1")).toBe("flows.1.name");
    expect(flowSlot("threshold")).toBe("threshold");
    expect(flowSlot("something")).toBeNull();
  });
});
