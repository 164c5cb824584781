import { describe, expect, it } from "vitest";
import { insertIntoReply, onInsertIntoReply, withInserted } from "./replyInsert";

describe("insert into the reply", () => {
  it("inserts at the caret with a space when needed", () => {
    expect(withInserted("", 0, "https://x.cz/a")).toEqual({ text: "https://x.cz/a", caret: 14 });
    expect(withInserted("See", 3, "link")).toEqual({ text: "See link", caret: 8 });
    expect(withInserted("See  end", 4, "link")).toEqual({ text: "See link end", caret: 8 });
  });
  it("delivers only to the named conversation", () => {
    const got: string[] = [];
    const stop = onInsertIntoReply("c1", (t) => got.push(t));
    insertIntoReply("c2", "no");
    insertIntoReply("c1", "yes");
    stop();
    insertIntoReply("c1", "after");
    expect(got).toEqual(["yes"]);
  });
});
