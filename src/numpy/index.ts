/** `wf.numpy`: NumPy functions over proxies, same names and argument order, options last. */
import { ufuncTable } from "./ufuncs.js";
import * as arg from "./arg.js";
import * as creation from "./creation.js";
import * as counting from "./counting.js";
import * as quantiles from "./quantile.js";
import * as scans from "./scan.js";
import * as el from "./elementwise.js";
import { einsum } from "./einsum.js";
import * as join from "./join.js";
import * as linalg from "./linalg.js";
import * as ma from "./ma.js";
import * as mv from "./movement.js";
import { nanReductions } from "./nanreduce.js";
import * as red from "./reduce.js";
import * as shape from "./shape.js";

export const numpy = {
  ...ufuncTable(),
  // elementwise
  where: el.where, nonzero: el.nonzero, flatnonzero: el.flatnonzero, clip: el.clip,
  floor: el.rounding("floor"), ceil: el.rounding("ceil"), trunc: el.rounding("trunc"), fix: el.fix,
  around: el.around, round: el.around, round_: el.around,
  nan_to_num: el.nan_to_num, isclose: el.isclose, allclose: el.allclose, isposinf: el.isposinf, isneginf: el.isneginf,
  // reductions
  ...red.reductions, ...nanReductions,
  count_nonzero: red.count_nonzero, ptp: red.ptp, average: red.average,
  argmin: arg.argmin, argmax: arg.argmax, nanargmin: arg.nanargmin, nanargmax: arg.nanargmax,
  // shapes and movement
  reshape: shape.reshape, ravel: shape.ravel, transpose: shape.transpose, moveaxis: shape.moveaxis, swapaxes: shape.swapaxes,
  expand_dims: shape.expand_dims, squeeze: shape.squeeze, atleast_1d: shape.atleast_1d, atleast_2d: shape.atleast_2d,
  atleast_3d: shape.atleast_3d, broadcast_to: shape.broadcast_to, broadcast_arrays: shape.broadcast_arrays,
  broadcast_shapes: shape.broadcast_shapes,
  concatenate: join.concatenate, stack: join.stack, hstack: join.hstack, vstack: join.vstack, dstack: join.dstack,
  column_stack: join.column_stack, tile: join.tile, repeat: join.repeat, pad: join.pad,
  flip: mv.flip, fliplr: mv.fliplr, flipud: mv.flipud, roll: mv.roll, diff: mv.diff, take: mv.take, compress: mv.compress,
  // creation
  arange: creation.arange, linspace: creation.linspace, zeros: creation.zeros, ones: creation.ones, empty: creation.empty,
  full: creation.full, zeros_like: creation.zeros_like, ones_like: creation.ones_like, empty_like: creation.empty_like,
  full_like: creation.full_like, eye: creation.eye, identity: creation.identity, tri: creation.tri,
  // products
  dot: linalg.dot, vdot: linalg.vdot, inner: linalg.inner, matmul: linalg.matmul, tensordot: linalg.tensordot, outer: linalg.outer,
  einsum, trace: linalg.trace, diagonal: linalg.diagonal,
  // scans, quantiles, counting
  cumsum: scans.cumsum, cumprod: scans.cumprod, nancumsum: scans.nancumsum, nancumprod: scans.nancumprod,
  percentile: quantiles.percentile, quantile: quantiles.quantile, nanpercentile: quantiles.nanpercentile, nanquantile: quantiles.nanquantile,
  bincount: counting.bincount, histogram: counting.histogram, digitize: counting.digitize, isin: counting.isin, unique: counting.unique,
  ma,
};
