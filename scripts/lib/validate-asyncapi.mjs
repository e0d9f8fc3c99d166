// Validates an AsyncAPI document with @asyncapi/parser (what `asyncapi validate` runs), failing on errors and warnings.
// Usage: NODE_PATH=.tools/node_modules node scripts/lib/validate-asyncapi.mjs docs/asyncapi.json
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH ?? ".", "noop.js"));
const { Parser } = require("@asyncapi/parser");

const file = process.argv[2];
const { document, diagnostics } = await new Parser().parse(await readFile(file, "utf8"), { source: path.resolve(file) });
const severities = ["error", "warning", "info", "hint"];
const problems = diagnostics.filter((d) => d.severity <= 1);
for (const d of diagnostics) {
  console.log(`${file}: ${severities[d.severity]} ${d.code} ${d.message} at ${d.path.join("/")}`);
}
if (!document || problems.length > 0) {
  process.exit(1);
}
console.log(`${file}: AsyncAPI ${document.version()}, ${document.channels().length} channels, ${document.operations().length} operations, ${document.messages().length} messages`);
