#!/usr/bin/env python3
"""Wait until a running rovmon's statistics satisfy a condition.

usage: poll.py STATS_FILE PID EXPR [TRIES]

Sends SIGUSR1 to PID, waits for the new line in STATS_FILE (rovmon appends
one), evaluates EXPR with d = that line as a dict; repeats (0.25 s apart)
until EXPR is true or TRIES lines were read (default 120).  Prints the
number of lines it took; exit 0 when EXPR held, 1 if not, 2 if rovmon
wrote no line within 10 s of a SIGUSR1 (or died).
"""
import json
import os
import signal
import sys
import time


def nlines(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def main():
    path, pid, expr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    tries = int(sys.argv[4]) if len(sys.argv) > 4 else 120
    for t in range(1, tries + 1):
        n = nlines(path)
        try:
            os.kill(pid, signal.SIGUSR1)
        except ProcessLookupError:
            print("rovmon (pid %d) is gone" % pid)
            sys.exit(2)
        deadline = time.time() + 10
        while nlines(path) <= n:
            if time.time() > deadline:
                print("no statistics line 10 s after SIGUSR1")
                sys.exit(2)
            time.sleep(0.02)
        with open(path) as f:
            d = json.loads(f.read().splitlines()[-1])
        if eval(expr, {}, {"d": d}):
            print(t)
            sys.exit(0)
        time.sleep(0.25)
    print(tries)
    sys.exit(1)


if __name__ == "__main__":
    main()
