import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "jsdom",
    include: ["widget/src/**/*.test.ts", "agent/src/**/*.test.{ts,tsx}", "scripts/**/*.test.mjs"],
  },
});
