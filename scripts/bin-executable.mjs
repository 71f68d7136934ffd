// After the TypeScript build: make the CLI entry executable. tsc writes new files 0644, and
// `npx tesserae` runs the bin by its path, so a fresh clone's build must set the mode itself.
import { chmodSync, readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
for (const bin of Object.values(pkg.bin ?? {})) chmodSync(new URL(`../${bin}`, import.meta.url), 0o755);
