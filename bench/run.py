"""The benchmark behind `make bench`: gunicorn with production settings, driven by wrk.

Seeds PostgreSQL databases (N articles, and 1,000 and 100,000 for the scale check), starts
gunicorn on 127.0.0.1 with DEBUG off, and drives it with wrk from a separate process: one
article, the front page, a mix of 500 distinct articles, search (if the site has it) and a
hello-world Django view on the same server, with the page cache on and off. Then 256 connections
for 60 s on a mix of pages while sampling each worker's memory, the scale check, and search
timed on the 100,000 stories (bench/search_timing.py). Prints the tables and writes them, with
the machine they ran on, to bench/RESULTS.md.

Each measurement is repeated (--rounds) and the rounds are interleaved, cache on and off in turn;
the best round counts, since other work on the machine can only slow a round down. Errors are
summed over every round. Ctrl-C stops the server and exits.
"""

import argparse
import contextlib
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
LUA = ROOT / "bench" / "wrk.lua"
RESULTS = ROOT / "bench" / "RESULTS.md"

# Pause between runs: when wrk stops, up to a run's worth of slow requests is still queued.
DRAIN_SECONDS = 2
# A response slower than this counts as an error (wrk's own default is 2 s).
WRK_TIMEOUT = 10

TARGETS = {
    "cached_article": 0.80,  # of the hello-world rate
    "uncached_article": 0.35,
    "scale_tolerance": 0.10,
    "search_worst_ms": 50,
}


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- databases ---


def database_url(base, name):
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + name))


def create_database(url):
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(database_url(url, "postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            log(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def server_env(db_url, *, page_cache, redis_url):
    env = os.environ.copy()
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-only-not-a-secret",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on 127.0.0.1
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=db_url,
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        ROOT_URLCONF="bench.urls",
        PAGE_CACHE="true" if page_cache else "false",
        VAR_DIR=str(ROOT / "var" / "bench"),
        CACHE_KEY_PREFIX="bench-" + urlsplit(db_url).path.lstrip("/"),
        LOG_LEVEL="WARNING",
        SEARCH_RATE_LIMIT="0",  # wrk is one address searching flat out: measure, do not limit
    )
    env.pop("REDIS_URL", None)
    if page_cache and redis_url:
        env["REDIS_URL"] = redis_url
    return env


def prepare(db_url, articles):
    create_database(db_url)
    env = server_env(db_url, page_cache=False, redis_url=None)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
    )
    subprocess.run([PYTHON, "-m", "bench.seed", str(articles)], env=env, cwd=ROOT, check=True)


def article_slugs(db_url, count, seed=7):
    import psycopg2

    connection = psycopg2.connect(db_url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug FROM articles_article WHERE slug LIKE 'bench-%%'")
        slugs = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT slug FROM articles_section")
        sections = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT slug FROM taggit_tag WHERE slug LIKE 'bench-%%' LIMIT 50")
        tags = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT slug FROM articles_author WHERE slug LIKE 'bench-%%' LIMIT 50")
        authors = [row[0] for row in cursor.fetchall()]
    connection.close()
    rng = random.Random(seed)
    return rng.sample(slugs, min(count, len(slugs))), sections, tags, authors


# --- server and load generator ---


class Server:
    """gunicorn in its own process group, stopped however the benchmark ends."""

    def __init__(self, env, port, workers, threads):
        self.env, self.port, self.workers, self.threads = env, port, workers, threads
        self.process = None

    def __enter__(self):
        command = [
            str(Path(PYTHON).parent / "gunicorn"),
            "newsroom.wsgi",
            f"--bind={HOST}:{self.port}",
            f"--workers={self.workers}",
            "--worker-class=gthread",
            f"--threads={self.threads}",
            "--log-level=warning",
        ]
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/bench/hello/", timeout=2):  # noqa: S310
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited at start") from None
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 30 s")

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []


def rss_mib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def wrk(port, path, *, connections, duration, paths_file=None):
    env = os.environ.copy()
    env["BENCH_PATHS"] = str(paths_file or "")
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        f"--timeout={WRK_TIMEOUT}s",
        "-s",
        str(LUA),
        f"http://{HOST}:{port}{path}",
    ]
    output = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=duration + 60, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_RESULT "))
    result = json.loads(line.removeprefix("BENCH_RESULT "))
    seconds = result["duration_us"] / 1e6
    errors = sum(result[kind] for kind in ("connect", "read", "write", "status", "timeout"))
    return {
        "rps": result["requests"] / seconds,
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "mean_ms": result["mean_us"] / 1000,
        "errors": errors,
        "error_kinds": {
            kind: result[kind]
            for kind in ("connect", "read", "write", "status", "timeout")
            if result[kind]
        },
        "requests": result["requests"],
    }


def drain():
    """Lets the server finish what the last run left queued, so it does not slow the next one."""
    time.sleep(DRAIN_SECONDS)


def best(rounds):
    """The fastest round, with the errors of every round."""
    top = dict(max(rounds, key=lambda result: result["rps"]))
    top["errors"] = sum(result["errors"] for result in rounds)
    kinds = {}
    for result in rounds:
        for kind, count in result["error_kinds"].items():
            kinds[kind] = kinds.get(kind, 0) + count
    top["error_kinds"] = kinds
    top["rounds"] = len(rounds)
    return top


def write_paths(paths):
    handle = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)  # noqa: SIM115
    handle.write("\n".join(paths) + "\n")
    handle.close()
    return Path(handle.name)


# --- the three parts ---


def search_path(env):
    """The search page's address with a query, if this version of the site has one."""
    for name, value in env.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("reader:search") + "?q=harbour"
    except NoReverseMatch:
        return None


def page_table(args, db_url, redis_url):
    slugs, _sections, _tags, _authors = article_slugs(db_url, 500)
    mix = write_paths(f"/articles/{slug}/" for slug in slugs)
    scenarios = {
        "hello-world": ("/bench/hello/", None),
        "article": (f"/articles/{slugs[0]}/", None),
        "front page": ("/", None),
        "500 articles": ("/", mix),
        # Never cached: the least an uncached article page can cost (bench/urls.py).
        "floor": (f"/bench/floor/{slugs[0]}/", None),
    }
    search = search_path(server_env(db_url, page_cache=True, redis_url=redis_url))
    if search:
        scenarios["search"] = (search, None)
    measured = {(mode, name): [] for mode in ("on", "off") for name in scenarios}
    ratios = {(mode, name): [] for mode in ("on", "off") for name in scenarios}

    hello_path = scenarios["hello-world"][0]
    for round_number in range(1, args.rounds + 1):
        for mode in ("on", "off"):
            env = server_env(db_url, page_cache=mode == "on", redis_url=redis_url)
            with Server(env, args.port, args.workers, args.threads) as server:
                for name, (path, paths_file) in scenarios.items():
                    if name == "hello-world":
                        continue
                    log(f"round {round_number}/{args.rounds}, cache {mode}: {name}")
                    run = {"connections": args.connections, "paths_file": paths_file}
                    wrk(server.port, path, duration=1, **run)  # warm-up: connections, caches
                    # Each page right after a hello-world run, a few times over: their ratio is
                    # what the machine's other work disturbs least.
                    for _pair in range(args.pairs):
                        drain()
                        hello = wrk(
                            server.port,
                            hello_path,
                            duration=args.duration,
                            connections=args.connections,
                        )
                        drain()
                        result = wrk(server.port, path, duration=args.duration, **run)
                        measured[(mode, "hello-world")].append(hello)
                        measured[(mode, name)].append(result)
                        # A page slow enough to back the server up can leave the hello-world
                        # run after it with nothing answered: that pair says nothing, skip it.
                        if hello["rps"]:
                            ratios[(mode, name)].append(result["rps"] / hello["rps"])
    mix.unlink()
    table = {key: best(rounds) for key, rounds in measured.items()}
    for key, values in ratios.items():
        table[key]["ratio"] = statistics.median(values) if values else 1.0
    return table, list(scenarios)


def load_run(args, db_url, redis_url):
    slugs, sections, tags, authors = article_slugs(db_url, 500, seed=11)
    paths = [f"/articles/{slug}/" for slug in slugs]
    paths += ["/"] * 50
    paths += [f"/section/{slug}/" for slug in sections]
    paths += [f"/tag/{slug}/" for slug in tags] + [f"/author/{slug}/" for slug in authors]
    search = search_path(server_env(db_url, page_cache=True, redis_url=redis_url))
    if search:
        paths += [search] * 20
    mix = write_paths(paths)
    env = server_env(db_url, page_cache=True, redis_url=redis_url)
    samples = {}
    with Server(env, args.port, args.workers, args.threads) as server:
        stop = threading.Event()

        def sample():
            deadline = time.monotonic() + args.load_duration + 30
            while not stop.is_set() and time.monotonic() < deadline:
                for pid in server.worker_pids():
                    if (value := rss_mib(pid)) is not None:
                        samples.setdefault(pid, []).append(value)
                stop.wait(2)

        sampler = threading.Thread(target=sample, daemon=True)
        log(f"load: {args.load_connections} connections for {args.load_duration} s")
        sampler.start()
        try:
            result = wrk(
                server.port,
                "/",
                connections=args.load_connections,
                duration=args.load_duration,
                paths_file=mix,
            )
        finally:
            stop.set()
            sampler.join(timeout=5)
    mix.unlink()
    result["workers"] = {
        pid: {"first": values[0], "max": max(values), "last": values[-1], "samples": len(values)}
        for pid, values in samples.items()
    }
    return result


def scale_check(args, base_url):
    small_url = database_url(base_url, "newsroom_bench_1k")
    large_url = database_url(base_url, f"newsroom_bench_{args.scale_articles // 1000}k")
    prepare(small_url, 1_000)
    prepare(large_url, args.scale_articles)
    mixes = {}
    for label, url in (("1,000", small_url), (f"{args.scale_articles:,}", large_url)):
        slugs, *_rest = article_slugs(url, 500)
        mixes[label] = (url, write_paths(f"/articles/{slug}/" for slug in slugs))
    measured = {label: [] for label in mixes}
    with contextlib.ExitStack() as servers:
        ports = {}
        for offset, (label, (url, _mix)) in enumerate(mixes.items()):
            env = server_env(url, page_cache=False, redis_url=None)
            server = servers.enter_context(
                Server(env, args.port + offset, args.workers, args.threads)
            )
            ports[label] = server.port
        run = {"connections": args.scale_connections}
        for label, (_url, mix) in mixes.items():
            wrk(ports[label], "/", duration=1, paths_file=mix, **run)  # warm-up
        # Both servers stay up and take turns every few seconds, so slow changes in the
        # machine's other work fall on both alike.
        turns = args.rounds * 3
        for turn in range(1, turns + 1):
            for label, (_url, mix) in mixes.items():
                log(f"scale {turn}/{turns}: {label} articles, cache off")
                drain()
                measured[label].append(
                    wrk(ports[label], "/", duration=args.duration, paths_file=mix, **run)
                )
    for _url, mix in mixes.values():
        mix.unlink()
    results = {}
    for label, rounds in measured.items():
        results[label] = best(rounds)
        results[label]["median_mean_ms"] = statistics.median(r["mean_ms"] for r in rounds)
    return results


def search_check(args, base_url):
    """bench/search_timing.py on the scale check's largest database, in its own process."""
    url = database_url(base_url, f"newsroom_bench_{args.scale_articles // 1000}k")
    prepare(url, args.scale_articles)
    env = server_env(url, page_cache=False, redis_url=None)
    env["ALLOWED_HOSTS"] = "testserver"
    log(f"search at {args.scale_articles:,} articles")
    output = subprocess.run(
        [PYTHON, "-m", "bench.search_timing"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


# --- report ---


def command_output(command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10)
        return (result.stdout or result.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def machine(db_url, redis_url):
    import django
    import gunicorn
    import psycopg2

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    connection = psycopg2.connect(db_url)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    connection.close()
    redis_version = "not used"
    if redis_url:
        import redis

        redis_version = redis.Redis.from_url(redis_url).info("server")["redis_version"]
    os_name = "unknown"
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("PRETTY_NAME="):
            os_name = line.split("=", 1)[1].strip('"')
    return {
        "cores (nproc)": os.cpu_count(),
        "CPU": cpu,
        "memory": f"{int(memory) / 1024 / 1024:.1f} GiB",
        "OS": f"{os_name}, Linux {platform.release()}",
        "load average at start": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "PostgreSQL": postgres,
        "Redis": redis_version,
        "wrk": command_output(["wrk", "-v"]),
    }


def percent(value):
    return f"{value * 100:.0f} %"


def report(args, machine_info, pages, names, load, scale, searches=None):
    lines = ["# Benchmark results", "", "Written by `make bench` (bench/run.py).", ""]
    lines += ["## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {value} |" for key, value in machine_info.items()]
    lines += [
        "",
        f"gunicorn: {args.workers} workers × {args.threads} threads (gthread), DEBUG off, "
        f"PostgreSQL, cache in {'Redis' if args.redis_url else 'local memory'}; "
        f"wrk: 2 threads, {args.connections} connections, {args.duration} s per run after a 1 s "
        f"warm-up, best of {args.rounds} rounds (server restarted, cache on and off in turn) of "
        f"{args.pairs} hello-world/page pairs (errors summed over all rounds: "
        f"failed connections, reads and writes, non-2xx/3xx statuses, and responses slower than "
        f'{WRK_TIMEOUT} s); {args.articles:,} articles. "Of hello-world" is the median over '
        "all pairs of the page's rate divided by the hello-world rate measured just before it "
        "on the same server.",
        "",
    ]
    if pages:
        lines += ["## Pages", ""]
        lines += [
            "| page | cache | requests/s | p50 ms | p99 ms | errors | of hello-world |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for mode in ("on", "off"):
            for name in names:
                result = pages[(mode, name)]
                ratio = percent(result["ratio"])
                lines.append(
                    f"| {name} | {mode} | {result['rps']:.0f} | {result['p50_ms']:.1f} | "
                    f"{result['p99_ms']:.1f} | {result['errors']} | {ratio} |"
                )
        cached = pages[("on", "article")]["ratio"]
        uncached = pages[("off", "article")]["ratio"]
        floor = statistics.median([pages[(mode, "floor")]["ratio"] for mode in ("on", "off")])
        errors = sum(result["errors"] for result in pages.values())
        lines += [
            "",
            "| target | measured | |",
            "|---|---|---|",
            f"| cached article ≥ 80 % of hello-world | {percent(cached)} | "
            f"{'met' if cached >= TARGETS['cached_article'] else 'MISSED'} |",
            f"| uncached article ≥ 35 % of hello-world | {percent(uncached)} | "
            f"{'met' if uncached >= TARGETS['uncached_article'] else 'MISSED'} |",
            f"| zero errors at {args.connections} connections | {errors} | "
            f"{'met' if errors == 0 else 'MISSED'} |",
            "",
            f'"floor" is bench/urls.py\'s view that does the least any uncached article page must: '
            "one ORM query for a published article (on a kept-open connection, with Django's "
            "health check) and a one-line template with its headline; it is never cached. Its "
            f"median ratio here is {percent(floor)}: no uncached article page, which needs more "
            "queries and a whole template, can run faster on this machine.",
            "",
        ]
    if load:
        lines += [
            f"## Load: {args.load_connections} connections for {args.load_duration} s, "
            "mixed pages, cache on",
            "",
            "| requests | requests/s | p50 ms | p99 ms | errors |",
            "|---:|---:|---:|---:|---:|",
            f"| {load['requests']} | {load['rps']:.0f} | {load['p50_ms']:.1f} | "
            f"{load['p99_ms']:.1f} | {load['errors']} {load['error_kinds'] or ''} |",
            "",
            "Memory per worker (RSS, sampled every 2 s during the run):",
            "",
            "| worker | first MiB | max MiB | last MiB | samples |",
            "|---|---:|---:|---:|---:|",
        ]
        for number, worker in enumerate(load["workers"].values(), 1):
            lines.append(
                f"| {number} | {worker['first']:.1f} | {worker['max']:.1f} | "
                f"{worker['last']:.1f} | {worker['samples']} |"
            )
        lines.append("")
    if scale:
        (small_label, small), (large_label, large) = scale.items()
        ratio = large["median_mean_ms"] / small["median_mean_ms"]
        lines += [
            "## Scale: uncached article pages (500 distinct), cache off, "
            f"{args.scale_connections} connections; both servers up, taking turns "
            f"{args.rounds * 3} times, {args.duration} s each",
            "",
            "| articles | best requests/s | median of mean ms | p50 ms | p99 ms | errors |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for label, result in scale.items():
            lines.append(
                f"| {label} | {result['rps']:.0f} | {result['median_mean_ms']:.2f} | "
                f"{result['p50_ms']:.2f} | {result['p99_ms']:.2f} | {result['errors']} |"
            )
        verdict = "met" if ratio <= 1 + TARGETS["scale_tolerance"] else "MISSED"
        lines += [
            "",
            f"Time per page at {large_label} articles is {ratio * 100:.0f} % of its time at "
            f"{small_label} (target: within 110 %): {verdict}.",
            "",
        ]
    if searches:
        worst = max(row["search"]["median_ms"] for row in searches)
        lines += [
            f"## Search at {args.scale_articles:,} articles, uncached, PostgreSQL",
            "",
            "In one process (bench/search_timing.py), median and best of 15 after a warm-up: the "
            "search (matching, ranking the newest 200 matches, counting, the first 20 rows with "
            "their snippets) and the whole search page through Django's test client.",
            "",
            "| query | words | ranked | search ms (best) | page ms (best) |",
            "|---|---|---:|---:|---:|",
        ]
        for row in searches:
            lines.append(
                f"| {row['query']} | `{row['words']}` | {row['matches']:,} | "
                f"{row['search']['median_ms']:.1f} ({row['search']['best_ms']:.1f}) | "
                f"{row['page']['median_ms']:.1f} ({row['page']['best_ms']:.1f}) |"
            )
        verdict = "met" if worst < TARGETS["search_worst_ms"] else "MISSED"
        lines += ["", f"Slowest search {worst:.1f} ms (target: under 50 ms): {verdict}.", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--articles", type=int, default=int(os.environ.get("BENCH_ARTICLES", 10_000))
    )
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 3)))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)))
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--load-connections", type=int, default=256)
    parser.add_argument("--load-duration", type=int, default=60)
    parser.add_argument("--scale-articles", type=int, default=100_000)
    parser.add_argument("--scale-connections", type=int, default=4)
    parser.add_argument("--pairs", type=int, default=2, help="hello-world/page pairs per round")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 8)))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8070)))
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://newsroom@127.0.0.1:5432/newsroom_bench"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    )
    parser.add_argument("--skip", default="", help="comma-separated: pages,load,scale,search")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    if args.redis_url:
        import redis

        try:
            redis.Redis.from_url(args.redis_url, socket_connect_timeout=1).ping()
        except redis.RedisError:
            log(f"Redis at {args.redis_url} is unreachable: the cache runs in local memory.")
            args.redis_url = ""

    db_url = args.database_url
    prepare(db_url, args.articles)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=server_env(db_url, page_cache=False, redis_url=None),
        cwd=ROOT,
        check=True,
    )
    machine_info = machine(db_url, args.redis_url)
    pages, names = ({}, []) if "pages" in skip else page_table(args, db_url, args.redis_url)
    load = None if "load" in skip else load_run(args, db_url, args.redis_url)
    scale = None if "scale" in skip else scale_check(args, db_url)
    searches = None if "search" in skip else search_check(args, db_url)
    text = report(args, machine_info, pages, names, load, scale, searches)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text + "\n")
        log(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        log("\nInterrupted: the server is stopped; seeded data is kept for the next run.")
        sys.exit(130)
