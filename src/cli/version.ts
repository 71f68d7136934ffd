import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package version from package.json, found by walking up from this file: it runs from
 * src/cli (under tsx) and from dist/src/cli (compiled), which sit at different depths.
 */
export function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
      if (typeof pkg === "object" && pkg !== null && "name" in pkg && pkg.name === "tesserae" && "version" in pkg) {
        return String(pkg.version);
      }
    } catch {
      /* no package.json here: keep walking up */
    }
    const parent = path.dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}
