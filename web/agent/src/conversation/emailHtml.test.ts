import { describe, expect, it } from "vitest";
import type { EmailFileOut } from "./emailQueries";
import { prepareEmailHtml } from "./emailHtml";

const logo: EmailFileOut = {
  id: "A1",
  filename: "obal.png",
  content_type: "image/png",
  size: 70,
  content_id: "part1.4C8A2F@mail.example.cz",
  preview: true,
  url: "http://127.0.0.1/v1/widget/attachments/A1/file?expires=1&signature=s",
  expires_at: "2026-12-03T20:00:00Z",
};

describe("prepareEmailHtml", () => {
  it("shows cid: images from their stored attachment", () => {
    const got = prepareEmailHtml('<p>Hi</p><img src="cid:part1.4C8A2F@mail.example.cz" alt="obal.png">', [logo]);
    expect(got.html).toContain(`src="${logo.url.replace(/&/g, "&amp;")}"`);
    expect(got.shownInline).toEqual(new Set(["A1"]));
    expect(got.remoteImages).toBe(0);
  });

  it("loads no remote image: each becomes a link the agent may open", () => {
    const got = prepareEmailHtml('<img src="https://tracker.example.com/open.gif?u=42" alt="logo">', []);
    expect(got.html).not.toContain("<img");
    expect(got.html).toContain('href="https://tracker.example.com/open.gif?u=42"');
    expect(got.html).toContain("[remote image: logo]");
    expect(got.remoteImages).toBe(1);
  });

  it("names a cid: image that was not stored, and opens links in a new tab", () => {
    const got = prepareEmailHtml('<img src="cid:missing@x" alt="scan"><a href="https://shop.example.cz">shop</a>', []);
    expect(got.html).toContain("[image: scan]");
    expect(got.html).toContain('target="_blank"');
    expect(got.html).toContain('rel="noopener noreferrer nofollow"');
  });
});
