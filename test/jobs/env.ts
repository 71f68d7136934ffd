/**
 * Imported first by every test/jobs test: a private TESSERAE_HOME (so the disk cache starts empty)
 * and the test-only readers, before any tesserae module reads the environment.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const HOME = mkdtempSync(join(tmpdir(), "tesserae-jobs-"));
process.env["TESSERAE_HOME"] = HOME;
process.env["TESSERAE_TEST_READERS"] = "1";
