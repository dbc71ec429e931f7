"""Command line: ``python -m model [MODEL | build-data [--force] [NAME ...] | check-data]``.

With no argument, prints the ImageNet and CIFAR families; with a model name, its stage trace.
"""

from __future__ import annotations

import concurrent.futures
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

from model.build import build_one, worker_init
from model.family import cifar_table, family_table
from model.measure import model_names
from model.shape_trace import shape_trace_record

USAGE = (
    "usage: python -m model [MODEL | build-data [--force] [--jobs=N] [NAME ...] | check-data]\n"
    f"models: {', '.join(model_names())}"
)


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in shape)


def print_family() -> None:
    table = family_table()
    print(f"ImageNet ResNets at {_shape(table.input_shape)} (multiply-adds = FLOPs / 2)")
    print(
        f"{'model':<10}{'layers':>7}{'params':>13}{'GMACs':>8}{'paper':>7}{'stride@1x1':>12}{'top-1 err':>10}  output"
    )
    for row in table.rows:
        print(
            f"{row.name:<10}{row.layers:>7}{row.params:>13,}{row.macs / 1e9:>8.3f}"
            f"{row.paper_giga_macs:>7.1f}{row.macs_stride_on_conv1 / 1e9:>12.3f}"
            f"{row.reference_top1_error:>10.2f}  {_shape(row.output_shape)}"
        )
    print(
        f"paper: He et al. 2015, Table 1; stride@1x1: bottleneck stride on the first 1x1 conv,"
        f" as the paper's models; top-1 error: {table.top1_error_source}"
    )
    cifar = cifar_table()
    print("\nCIFAR-10 ResNets at 1x3x32x32 (option A: plain nets have the same parameters)")
    print(f"{'model':<10}{'layers':>7}{'params':>13}{'MMACs':>8}{'paper test err':>16}")
    for depth, params, macs, error in zip(cifar.depths, cifar.params, cifar.macs, cifar.paper_test_error):
        print(f"{'resnet' + str(depth):<10}{depth:>7}{params:>13,}{macs / 1e6:>8.1f}{error:>16.2f}")


def print_trace(name: str) -> None:
    trace = shape_trace_record(name)
    print(f"{name}: input {_shape(trace.input_shape)}")
    print(f"{'stage':<10}{'output':>18}{'params':>13}{'MMACs':>11}")
    for stage, shape, params, macs in zip(trace.stage_names, trace.shapes, trace.stage_params, trace.stage_macs):
        print(f"{stage:<10}{_shape(shape):>18}{params:>13,}{macs / 1e6:>11.1f}")
    print(f"{'total':<10}{'':>18}{trace.total_params:>13,}{trace.total_macs / 1e6:>11.1f}")


def build_data(arguments: list[str]) -> int:
    """Rebuild stale records (all, or NAME ... and the records they read), one process per core.

    Each record computes on one thread; records that read others wait for them. Every line
    gives a record's wall and CPU seconds; the last line the total wall time.
    """
    from model.cache import build_order, resolve_names

    force = "--force" in arguments
    jobs = os.cpu_count() or 1
    names = []
    for argument in arguments:
        if argument.startswith("--jobs="):
            try:
                jobs = max(1, int(argument.partition("=")[2]))
            except ValueError:
                print(f"--jobs needs a whole number, got {argument!r}", file=sys.stderr)
                return 2
        elif argument != "--force":
            names.append(argument)
    try:
        functions = resolve_names(names)
        needs, order = build_order(functions)
    except KeyError as error:
        print(error.args[0], file=sys.stderr)
        return 2
    if not order:
        print("no cached records are registered")
        return 0
    started = time.perf_counter()
    todo = [f for f in order if force or f.status().state != "fresh"]
    for function in order:
        if function not in todo:
            print(f"{function.name}: up to date", flush=True)
    pending = {f.name for f in todo}
    failed: set[str] = set()
    failures = 0

    times: dict[str, tuple[float, float]] = {}

    def report(name: str, rebuilt: bool, wall: float, cpu: float) -> None:
        times[name] = (wall, cpu)
        state = f"rebuilt in {wall:.1f} s ({cpu:.1f} CPU s)" if rebuilt else "up to date"
        print(f"{name}: {state}", flush=True)

    def blocked(name: str) -> str | None:
        return next((n for n in needs[name] if n in failed), None)

    if jobs == 1 or len(todo) <= 1:
        for function in todo:
            missing = blocked(function.name)
            if missing:
                failed.add(function.name)
                failures += 1
                print(f"{function.name}: not built (it reads {missing}, which failed)", flush=True)
                continue
            # One broken record should not keep the others from being built.
            try:
                report(*build_one(function.name, force))
            except Exception as error:  # noqa: BLE001
                failed.add(function.name)
                failures += 1
                print(f"{function.name}: failed ({type(error).__name__}: {error})", flush=True)
    else:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        context = multiprocessing.get_context("spawn")
        running: dict[concurrent.futures.Future, str] = {}
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=min(jobs, len(todo)), mp_context=context, initializer=worker_init
        ) as pool:
            while pending or running:
                # Longest first, from the time each record took when it was last built.
                ready = sorted(
                    (f for f in todo if f.name in pending and not (needs[f.name] & pending)),
                    key=lambda f: -f.last_seconds(),
                )
                for function in ready:
                    pending.discard(function.name)
                    missing = blocked(function.name)
                    if missing:
                        failed.add(function.name)
                        failures += 1
                        print(f"{function.name}: not built (it reads {missing}, which failed)", flush=True)
                        continue
                    running[pool.submit(build_one, function.name, force)] = function.name
                if not running:
                    continue
                done, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    name = running.pop(future)
                    try:
                        report(*future.result())
                    except Exception as error:  # noqa: BLE001
                        failed.add(name)
                        failures += 1
                        print(f"{name}: failed ({type(error).__name__}: {error})", flush=True)
    if todo:
        total = time.perf_counter() - started
        processes = 1 if len(todo) <= 1 else min(jobs, len(todo))
        print(
            f"build-data: {len(todo) - failures} of {len(todo)} records built in "
            f"{total:.1f} s wall, {processes} process(es)",
            flush=True,
        )
        _write_times(times, total, processes)
    return 1 if failures else 0


TIMES_FILE = Path(__file__).resolve().parent.parent / "build" / "data-times.json"
"""Wall and CPU seconds of each record of the last ``build-data`` that built any."""


def _write_times(times: dict[str, tuple[float, float]], total: float, processes: int) -> None:
    from model.cache import machine

    document = {
        "total_wall_s": round(total, 1),
        "processes": processes,
        "machine": machine(),
        "records": {n: {"wall_s": round(w, 1), "cpu_s": round(c, 1)} for n, (w, c) in times.items()},
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    try:
        TIMES_FILE.parent.mkdir(parents=True, exist_ok=True)
        TIMES_FILE.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    except OSError as error:
        print(f"could not write {TIMES_FILE}: {error}", file=sys.stderr)


def check_data() -> int:
    from model.cache import resolve_names

    problems = 0
    functions = resolve_names([])
    for function in functions:
        status = function.status()
        if status.state != "fresh":
            problems += 1
            reason = f" ({status.reason})" if status.reason else ""
            print(f"{function.name}: {status.state}{reason}")
    if problems:
        print(f"{problems} of {len(functions)} records need `python -m model build-data`")
        return 1
    print(f"all {len(functions)} records up to date")
    return 0


def main(argv: list[str]) -> int:
    if not argv:
        print_family()
        return 0
    command, rest = argv[0], argv[1:]
    if command in ("-h", "--help"):
        print(USAGE)
        return 0
    if command == "build-data":
        return build_data(rest)
    if command == "check-data" and not rest:
        return check_data()
    if command in model_names() and not rest:
        print_trace(command)
        return 0
    print(
        f"unknown command or model {' '.join(argv)!r}; valid: build-data, check-data, {', '.join(model_names())}",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
