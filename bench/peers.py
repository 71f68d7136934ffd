#!/usr/bin/env python3
"""Peers for tesserae's bench: times NumPy and Dask on the inputs bench/run.ts generated.

    peers.py --probe
    peers.py --id B1 --input x=PATH [--input ...] [--zarr x=DIR] --reps 5 --ref OUT.npy --rtol R --atol A
    peers.py --zarr-to-npy SRC DST

Prints one JSON object on stdout. Loading the inputs and building Dask graphs happen
before the clock starts; each peer runs once to warm up, then --reps timed runs.
The reference result (computed with NumPy, untimed; for B5, Dask's output) is saved to
--ref; masked results are saved as float with NaN where masked. --zarr inputs stay on disk
(the peer gets the path); a peer that writes Zarr writes it next to --ref, as OUT.zarr.
"""
import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time

import numpy as np

try:
    import dask
    import dask.array as da
except ImportError:
    dask = None
    da = None

try:
    import rasterio
except ImportError:
    rasterio = None

try:
    import zarr
except ImportError:
    zarr = None


def b1_ndvi_mean(inp, _out):
    x = inp["x"]
    red, nir = x[:, 2], x[:, 3]
    peers = {"numpy": lambda: ((nir - red) / (nir + red)).mean(axis=0)}
    if da is not None:
        dx = da.from_array(x, chunks=(1, 4, 512, 512))
        dred, dnir = dx[:, 2], dx[:, 3]
        peers["dask"] = ((dnir - dred) / (dnir + dred)).mean(axis=0).compute
    return peers, peers["numpy"]


def b2_masked_median(inp, _out):
    data, mask = inp["data"], inp["mask"]
    masked = np.ma.masked_array(data, mask=mask)
    with_nan = np.where(mask, np.float32(np.nan), data)
    peers = {
        "numpy-ma": lambda: np.ma.median(masked, axis=0),
        "numpy-nan": lambda: np.nanmedian(with_nan, axis=0),
    }
    if da is not None:
        # nanmedian needs axis 0 in one chunk; split the rest so both threads have work.
        dx = da.from_array(with_nan, chunks=(16, 1, 128, 512))
        peers["dask"] = da.nanmedian(dx, axis=0).compute

    def reference():
        return np.ma.filled(np.ma.median(masked, axis=0).astype(data.dtype), np.nan)

    return peers, reference


def b3_std_all(inp, _out):
    x = inp["x"]
    peers = {"numpy": lambda: x.std()}
    if da is not None:
        peers["dask"] = da.from_array(x, chunks=2**24).std().compute
    return peers, peers["numpy"]


def b4_overhead_10k(inp, _out):
    x = inp["x"]
    peers = {}
    if da is not None:
        peers["dask"] = (da.from_array(x, chunks=100) + 1).sum().compute
    return peers, lambda: (x + 1).sum()


def b5_out_of_core(inp, out):
    src = inp["x"]
    peers = {}
    if da is not None:
        peers["dask"] = lambda: da.from_zarr(src).mean(axis=0).to_zarr(out, overwrite=True)

    def reference():
        if da is not None:
            return zarr.open_array(out, mode="r")[...]
        # Without Dask: the same mean, one slab at a time, accumulated in float64.
        z = zarr.open_array(src, mode="r")
        acc = np.zeros(z.shape[1:], dtype=np.float64)
        for i in range(z.shape[0]):
            acc += z[i]
        return (acc / z.shape[0]).astype(z.dtype)

    return peers, reference


def b6_composite(inp, out_zarr):
    """NDVI median composite over a catalog product: rasterio reads only red and nir of each GeoTIFF
    (masked where nodata), numpy.ma takes the median over the dates, rasterio writes a float32 GeoTIFF."""
    product = inp["product"]
    with open(os.path.join(product, "product.json")) as f:
        meta = json.load(f)
    names = [b["name"] for b in meta["bands"]]
    red_i, nir_i = names.index("red") + 1, names.index("nir") + 1
    files = [os.path.join(product, img["files"][0]["path"]) for img in meta["images"]]
    out = os.path.splitext(out_zarr)[0] + "-rasterio.tif"

    def composite():
        reds, nirs, profile = [], [], None
        for path in files:
            with rasterio.open(path) as src:
                rn = src.read([red_i, nir_i], masked=True).astype(np.float32)
                profile = src.profile
            reds.append(rn[0])
            nirs.append(rn[1])
        red, nir = np.ma.stack(reds), np.ma.stack(nirs)
        med = np.ma.median((nir - red) / (nir + red), axis=0).astype(np.float32)
        profile.update(count=1, dtype="float32", nodata=float("nan"), tiled=True, blockxsize=256, blockysize=256, compress="deflate")
        with rasterio.open(out, "w", **profile) as dst:
            dst.write(np.ma.filled(med, np.float32(np.nan)), 1)
        return med

    peers = {} if rasterio is None else {"rasterio-numpy": composite}
    return peers, composite


WORKLOADS = {
    "B1": (b1_ndvi_mean, ["numpy", "dask"]),
    "B2": (b2_masked_median, ["numpy-ma", "numpy-nan", "dask"]),
    "B3": (b3_std_all, ["numpy", "dask"]),
    "B4": (b4_overhead_10k, ["dask"]),
    "B5": (b5_out_of_core, ["dask"]),
    "B6": (b6_composite, ["rasterio-numpy"]),
}

# Workloads whose peer memory counts: each peer's peak RSS is reported (B5 has one peer, so
# this process's peak is that peer's, inputs staying on disk).
REPORT_RSS = {"B5"}


def versions():
    return {
        "python": platform.python_version(),
        "executable": sys.executable,
        "numpy": np.__version__,
        "dask": dask.__version__ if dask is not None else None,
        "zarr": zarr.__version__ if zarr is not None else None,
        "rasterio": rasterio.__version__ if rasterio is not None else None,
    }


def as_plain(result):
    """A peer's result as a plain ndarray, NaN where masked."""
    if np.ma.isMaskedArray(result) or result is np.ma.masked:
        result = np.ma.asarray(result)
        kind = result.dtype if result.dtype.kind == "f" else np.float64
        return np.ma.filled(result.astype(kind), np.nan)
    return np.asarray(result)


def time_peer(fn, reps):
    result = fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return result, times


def run(args):
    build, names = WORKLOADS[args.id]
    inp = {}
    for item in args.input:
        name, path = item.split("=", 1)
        inp[name] = np.load(path)
    for item in args.zarr:
        name, path = item.split("=", 1)
        inp[name] = path
    ref = os.path.abspath(args.ref)
    os.makedirs(os.path.dirname(ref), exist_ok=True)
    peers, reference = build(inp, os.path.splitext(ref)[0] + ".zarr")

    report = {"versions": versions(), "peers": {}, "disagree": []}
    results = {}
    for name in names:
        if name not in peers:
            report["peers"][name] = {"skipped": "dask is not installed for " + sys.executable}
            continue
        results[name], times = time_peer(peers[name], args.reps)
        report["peers"][name] = {"median": statistics.median(times), "times": times}
        if args.id in REPORT_RSS:
            report["peers"][name]["maxRssKiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    # After the peers, so that the reference does not count in their peak RSS.
    want = as_plain(reference())
    np.save(ref, want)
    for name, result in results.items():
        if result is None:
            continue  # the peer wrote its result to disk; the reference is read from there
        got = as_plain(result)
        if got.shape != want.shape or not np.allclose(got, want, rtol=args.rtol, atol=args.atol, equal_nan=True):
            report["disagree"].append(name)
    return report


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--probe", action="store_true", help="print the versions found and exit")
    p.add_argument("--id", choices=sorted(WORKLOADS))
    p.add_argument("--input", action="append", default=[], metavar="NAME=PATH")
    p.add_argument("--zarr", action="append", default=[], metavar="NAME=DIR")
    p.add_argument("--zarr-to-npy", nargs=2, metavar=("SRC", "DST"), help="save a Zarr array as .npy and exit")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--ref", help="where to save the reference result (.npy)")
    p.add_argument("--rtol", type=float, default=1e-5)
    p.add_argument("--atol", type=float, default=0.0)
    args = p.parse_args()
    if args.probe:
        print(json.dumps(versions()))
        return
    if args.zarr_to_npy is not None:
        src, dst = args.zarr_to_npy
        np.save(dst, zarr.open_array(src, mode="r")[...])
        return
    if args.id is None or args.ref is None:
        p.error("--id and --ref are required")
    if dask is not None:
        dask.config.set(scheduler="threads", num_workers=os.cpu_count())
    print(json.dumps(run(args)))


if __name__ == "__main__":
    main()
