/** `Scalar`: a 0-d result (what a full reduction returns); computes to a JS number, bigint, boolean or null. */
import { ArrayProxy } from "./array.js";

export class ScalarProxy extends ArrayProxy {
  override toString(): string {
    return `Scalar(dtype=${this.node.dtype})`;
  }
}
