/** `wf.numpy`: NumPy functions over proxies, same names and argument order, options last. */
import { ufuncTable } from "./ufuncs.js";
import * as fns from "./functions.js";
import * as ma from "./ma.js";

export const numpy = {
  ...ufuncTable(),
  where: fns.where,
  clip: fns.clip,
  ...fns.reductions,
  count_nonzero: fns.count_nonzero,
  reshape: fns.reshape,
  ravel: fns.ravel,
  transpose: fns.transpose,
  moveaxis: fns.moveaxis,
  swapaxes: fns.swapaxes,
  expand_dims: fns.expand_dims,
  squeeze: fns.squeeze,
  broadcast_to: fns.broadcast_to,
  concatenate: fns.concatenate,
  stack: fns.stack,
  ma,
};
