#!/usr/bin/env python3
"""Writes a bench input as a Zarr v2 array with zarr-python's default compressor (Blosc lz4, shuffle).

    gen_zarr.py --path DIR --shape 64,4,2048,2048 --chunks 1,4,512,512 --seed 6 --marker JSON

Uniform float32 in [0, 1), one slab of chunks along axis 0 at a time, so memory stays at one
slab. Slab i draws from numpy's default_rng([seed, i]): a smaller array along axis 0 is a prefix
of a larger one. The marker file (JSON given by the caller) is written last: its presence means
the array is complete. Progress goes to stdout.
"""
import argparse
import os
import shutil
import sys
import time

import numpy as np
import zarr

MARKER = ".bench-complete"


def ints(text):
    return tuple(int(s) for s in text.split(","))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--path", required=True)
    p.add_argument("--shape", type=ints, required=True)
    p.add_argument("--chunks", type=ints, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--marker", required=True, help="text of the marker file written at the end")
    p.add_argument("--label", default="input")
    args = p.parse_args()

    shutil.rmtree(args.path, ignore_errors=True)
    z = zarr.open_array(args.path, mode="w", shape=args.shape, chunks=args.chunks, dtype="<f4")
    step = args.chunks[0]
    slabs = -(-args.shape[0] // step)
    t0 = time.perf_counter()
    last = t0
    for i in range(slabs):
        lo, hi = i * step, min(args.shape[0], (i + 1) * step)
        rng = np.random.default_rng([args.seed, i])
        z[lo:hi] = rng.random((hi - lo,) + tuple(args.shape[1:]), dtype=np.float32)
        now = time.perf_counter()
        if now - last >= 10 or i + 1 == slabs:
            last = now
            print(f"   {args.label}: {hi} of {args.shape[0]} along axis 0 ({now - t0:.0f} s)", flush=True)
    with open(os.path.join(args.path, MARKER), "w") as f:
        f.write(args.marker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
