"""`annolytics bench`: the nightly run measured against bare DuckDB and a hand-written pandas
script on generated data (see ``run.py``; the reference SQL is ``benchmarks/reference/``)."""


def add_bench_arguments(parser) -> None:
    parser.add_argument("--events", type=int, default=1_000_000, help="history size")
    parser.add_argument("--sizes", type=int, nargs="+", help="several history sizes instead")
    parser.add_argument("--seed", type=int, default=7)


def bench_command(args) -> int:
    from dagster_project.lib.bench.run import run  # heavy imports only when benchmarking

    run(args.sizes or [args.events], args.seed)
    return 0
