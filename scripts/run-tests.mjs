#!/usr/bin/env node
// Runs the tap suite and ends with the one plain line CI reads: `tests: N passed, N failed`.
// tap's own closing summary is an object literal CI does not recognise, so we translate it.
import { spawn } from "node:child_process";

const tapBin = new URL("../node_modules/tap/dist/esm/run.mjs", import.meta.url).pathname;
const child = spawn(process.execPath, [tapBin, ...process.argv.slice(2)], { stdio: ["ignore", "pipe", "inherit"] });

let tail = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString("utf8")).slice(-4096);
});
child.on("close", (code) => {
  const m = [...tail.matchAll(/#\s*\{\s*total:\s*(\d+)([^}]*)\}/g)].at(-1);
  const field = (name) => Number((m?.[2] ?? "").match(new RegExp(`${name}:\\s*(\\d+)`))?.[1] ?? 0);
  if (m) {
    const failed = field("fail");
    const skipped = field("skip") + field("todo");
    const passed = field("pass");
    console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  } else {
    console.log("tests: 0 passed, 1 failed");
  }
  process.exit(code ?? 1);
});
