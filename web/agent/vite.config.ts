import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const agentDir = fileURLToPath(new URL(".", import.meta.url));

// The agent desktop is served by the Python service under /app/.
// Run from web/: `npm run build:agent` (output is git-ignored).
export default defineConfig({
  root: agentDir,
  base: "/app/",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../../src/hovor/static/agent", import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      // The co-browse viewer is a page of its own: the replayed page keeps its styles
      // and images under the viewer's CSP (cobrowse/api.py), not the desktop's.
      input: {
        main: fileURLToPath(new URL("index.html", import.meta.url)),
        viewer: fileURLToPath(new URL("cobrowse-viewer.html", import.meta.url)),
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      "/v1": {
        target: "http://127.0.0.1:8000",
        changeOrigin: false,
        ws: true,
      },
    },
  },
});
