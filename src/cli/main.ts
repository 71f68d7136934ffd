#!/usr/bin/env node
import { runCli } from "./commands.js";

// exitCode rather than exit(): pending output is flushed, and a handle left open is a bug to see.
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
