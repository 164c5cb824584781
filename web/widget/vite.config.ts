// Builds the visitor-side scripts as standalone IIFEs (no runtime module
// loading on customer sites) into src/hovor/static/widget/ (git-ignored).
//
// An IIFE bundle has a single entry, so this config builds one script per
// run, picked by the Vite mode:
//   vite build --config widget/vite.config.ts               -> widget.js (empties outDir)
//   vite build --config widget/vite.config.ts --mode loader -> loader.js
//   vite build --config widget/vite.config.ts --mode cobrowse -> cobrowse.js (rrweb, lazy)
// `npm run build:widget` runs all three, then check-size.mjs.

import { defineConfig } from "vite";

const OUT_DIR = "../src/hovor/static/widget";

export default defineConfig(({ mode }) => {
  const isLoader = mode === "loader";
  const isCobrowse = mode === "cobrowse";
  const name = isLoader ? "loader" : isCobrowse ? "cobrowse" : "widget";
  return {
    // No public/ folder, no .env files: nothing but the bundle is emitted.
    publicDir: false,
    envDir: false,
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    build: {
      outDir: OUT_DIR,
      emptyOutDir: name === "widget",
      target: "es2020",
      minify: true,
      sourcemap: false,
      reportCompressedSize: false,
      lib: {
        entry: isLoader ? "widget/src/loader.ts" : isCobrowse ? "widget/src/cobrowse/main.ts" : "widget/src/widget/main.ts",
        formats: ["iife"],
        name: isLoader ? "HovorLoader" : isCobrowse ? "HovorCobrowse" : "HovorWidget",
        fileName: () => `${name}.js`,
      },
    },
  };
});
