"""The console under load (issue 14): 50 clients for 60 s against `liaudit serve` on
127.0.0.1 while nightly jobs run one after another; prints requests, errors, p50/p95/max
page times, nightly jobs run, follow-up changes answered and kept. Bounded: the server stops
by itself after 300 s, the clients after --seconds.

    LIAUDIT_BIN=build/pipeline/cli/liaudit python3 bench/console/console_bench.py [--seconds 60] [--clients 50]
"""
import argparse
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "e2e"))
os.environ.setdefault("LIAUDIT_SRC", os.path.join(HERE, "..", ".."))
import console_common as cc  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--clients", type=int, default=50)
    args = ap.parse_args()
    if not 1 <= args.seconds <= 240 or not 1 <= args.clients <= 200:
        ap.error("--seconds 1..240, --clients 1..200")
    work = tempfile.mkdtemp(prefix="liaudit_console_bench_")
    try:
        cc.make_workspace(work)
        srv = cc.Server(work, seconds=args.seconds + 240)
        try:
            cookie, _ = srv.login("manager")
            keys = [f["key"] for f in srv.json("GET", "/api/followups", cookie=cookie)[1]["followups"]
                    if f["state"] == "open"][:5]
            before = {k: len(srv.json("GET", "/api/findings?job=2&key=" + cc.q(k), cookie=cookie)[1]["history"])
                      for k in keys}
            r = cc.load_run(srv, work, args.seconds, args.clients, keys)
            kept = sum(len(srv.json("GET", "/api/findings?job=2&key=" + cc.q(k), cookie=cookie)[1]["history"])
                       - before[k] for k in keys)
        finally:
            srv.stop()
        lat = r["latencies"]
        print("clients %d, %d s: %d requests (%.0f/s), errors %d, nightly jobs %d" %
              (args.clients, args.seconds, r["requests"], r["requests"] / args.seconds, len(r["errors"]), r["nightlies"]))
        print("page time p50 %.3f s, p95 %.3f s, p99 %.3f s, max %.3f s" %
              (cc.percentile(lat, 50), cc.percentile(lat, 95), cc.percentile(lat, 99), lat[-1] if lat else 0))
        print("follow-up changes answered 200: %d, in the history afterwards: %d" % (sum(r["changes"].values()), kept))
        for e in r["errors"][:10]:
            print("error:", e)
        return 1 if r["errors"] or kept != sum(r["changes"].values()) else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
