/** `tesserae serve` as its own process (the real CLI entry, through tsx), for tests that kill it. */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const mainTs = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const root = fileURLToPath(new URL("../..", import.meta.url));

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
}

/** Start `tesserae serve` on 127.0.0.1 with `home` as TESSERAE_HOME; resolves once it listens. */
export function startServeProcess(home: string, args: readonly string[] = []): Promise<ServeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", mainTs, "serve", "--host", "127.0.0.1", ...args], {
    cwd: root,
    env: { ...process.env, TESSERAE_HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => fail(new Error(`tesserae serve did not start in 60 s\n${out}${err}`)), 60_000);
    function fail(e: Error): void {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(e);
    }
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    const early = (code: number | null): void => fail(new Error(`tesserae serve exited with ${code} before listening\n${out}${err}`));
    child.once("exit", early);
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      child.off("exit", early);
      resolve({
        url: m[1]!,
        child,
        async kill() {
          child.kill("SIGKILL");
          await exited;
        },
      });
    });
  });
}
