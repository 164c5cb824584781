// Fails the build when a visitor-side script grows past its gzip budget.
// Usage: node widget/check-size.mjs   (from web/, after the Vite builds)
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const OUT_DIR = new URL("../../src/hovor/static/widget/", import.meta.url);
const BUDGETS = {
  "loader.js": 6 * 1024, // loads on every page of every customer site
  "widget.js": 30 * 1024,
  "cobrowse.js": 32 * 1024, // rrweb's recorder: loaded only when a co-browse session starts
};

let failed = false;
for (const [file, budget] of Object.entries(BUDGETS)) {
  let source;
  try {
    source = readFileSync(new URL(file, OUT_DIR));
  } catch {
    console.error(`check-size: ${file} is missing in ${OUT_DIR.pathname}`);
    failed = true;
    continue;
  }
  const gzipped = gzipSync(source, { level: 9 }).length;
  const ok = gzipped <= budget;
  failed ||= !ok;
  console.log(
    `${ok ? "ok  " : "FAIL"} ${file.padEnd(10)} ${String(source.length).padStart(7)} B, ` +
      `${String(gzipped).padStart(6)} B gzip (budget ${budget} B)`,
  );
}
process.exit(failed ? 1 : 0);
