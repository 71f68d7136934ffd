/** Workflow ids (`email:name`) and semantic versions, validated and ordered. */
import { ProxyTypeError } from "../core/errors.js";

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** semver.org's grammar: MAJOR.MINOR.PATCH, optional -prerelease and +build. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function checkWorkflowId(id: unknown): string {
  if (typeof id !== "string") throw new ProxyTypeError(`a workflow id must be a string like "me@example.com:name", got ${typeof id}`);
  const at = id.lastIndexOf(":");
  const email = id.slice(0, at);
  const name = id.slice(at + 1);
  if (at < 0 || !EMAIL.test(email) || !NAME.test(name)) {
    throw new ProxyTypeError(`invalid workflow id ${JSON.stringify(id)}: expected "email:name", like "me@example.com:ndvi" (name: letters, digits, '_', '.', '-')`);
  }
  return id;
}

export function checkVersion(v: unknown): string {
  if (typeof v !== "string" || v.length > 128 || !SEMVER.test(v)) {
    throw new ProxyTypeError(`invalid version ${JSON.stringify(v)}: expected a semantic version like "1.0.0"`);
  }
  return v;
}

function prereleaseCompare(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const pa = a.split("."), pb = b.split(".");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i], y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x), ny = /^\d+$/.test(y);
    if (nx && ny && x !== y) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** semver precedence (build metadata ignored, as the spec says). */
export function compareVersions(a: string, b: string): number {
  const ma = SEMVER.exec(a), mb = SEMVER.exec(b);
  if (!ma || !mb) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 1; i <= 3; i++) {
    const d = Number(ma[i]) - Number(mb[i]);
    if (d !== 0) return d;
  }
  return prereleaseCompare(ma[4], mb[4]);
}
