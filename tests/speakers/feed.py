#!/usr/bin/env python3
"""ExaBGP API process: replays a command script to ExaBGP's stdin pipe.

usage (from an exabgp `process` block): feed.py CMDFILE CTLDIR
Lines are ExaBGP API commands, except
  wait NAME    block until the file CTLDIR/NAME exists (record.sh creates it)
  sleep SECS   pause
After each phase the script touches CTLDIR/NAME.sent so record.sh knows the
commands were handed to ExaBGP.  At the end it idles until killed.
"""
import os
import sys
import time

cmdfile, ctl = sys.argv[1], sys.argv[2]


def touch(name):
    with open(os.path.join(ctl, name), "w"):
        pass


phase = "phase1"
for line in open(cmdfile):
    line = line.strip()
    if not line:
        continue
    if line.startswith("wait "):
        touch(phase + ".sent")
        phase = line.split()[1]
        while not os.path.exists(os.path.join(ctl, phase)):
            time.sleep(0.05)
        continue
    if line.startswith("sleep "):
        sys.stdout.flush()
        time.sleep(float(line.split()[1]))
        continue
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
touch(phase + ".sent")
while True:
    time.sleep(3600)
