import { describe, expect, it } from "vitest";
import { pushAlert, type RoutingAlert } from "./alerts";
import { task } from "./fixtures";

const alert = (kind: RoutingAlert["kind"], id: string, at: number): RoutingAlert => ({ kind, task: task({ id }), at });

describe("pushAlert", () => {
  it("puts the newest first and keeps a bounded list", () => {
    let list: RoutingAlert[] = [];
    for (let i = 0; i < 5; i++) list = pushAlert(list, alert("sla_warning", `t${i}`, i), 3);
    expect(list.map((a) => a.task.id)).toEqual(["t4", "t3", "t2"]);
  });

  it("a repeat for the same task moves up; another kind for it is another alert", () => {
    let list = [alert("sla_warning", "a", 1), alert("sla_warning", "b", 2)];
    list = pushAlert(list, alert("sla_warning", "a", 3));
    expect(list.map((a) => `${a.kind}:${a.task.id}@${a.at}`)).toEqual(["sla_warning:a@3", "sla_warning:b@2"]);
    list = pushAlert(list, alert("sla_breached", "a", 4));
    expect(list).toHaveLength(3);
  });
});
