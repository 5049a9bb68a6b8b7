"""`annolytics bench`: the nightly run measured against bare DuckDB and a hand-written pandas
script on generated data (see ``run.py``; the reference SQL is ``benchmarks/reference/``)."""


def add_bench_arguments(parser) -> None:
    parser.add_argument("--events", type=int, default=1_000_000, help="history size")
    parser.add_argument("--sizes", type=int, nargs="+", help="several history sizes instead")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--pandas-up-to",
        type=int,
        default=None,
        help="largest size the in-memory pandas reference runs at (default 10,000,000)",
    )


def bench_command(args) -> int:
    # heavy imports only when benchmarking
    from dagster_project.lib.bench.run import PANDAS_REFERENCE_MAX_EVENTS, run

    pandas_up_to = args.pandas_up_to
    run(
        args.sizes or [args.events],
        args.seed,
        pandas_up_to=PANDAS_REFERENCE_MAX_EVENTS if pandas_up_to is None else pandas_up_to,
    )
    return 0
