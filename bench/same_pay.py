"""bench/scale.sh's check that both folders pay the same, to the fen.

    same_pay.py A.json B.json

Compares two `rmpay payroll --json` files field for field, apart from the
fields that name the input (the ledger's file and SHA-256) and its cells
(`[deposits.csv] lines 2–30000002` against `[deposits.parquet] rows
1–30000001`, `csv/managers.csv:2:5` against `parquet/managers.csv:2:5`).
Prints the RMs and the sum of their net pay; exit 1 on a difference.
"""

import json
import re
import sys
from decimal import Decimal

CELLS = re.compile(r"\[[^\]]+\.(csv|parquet)\] (lines?|rows?) [0-9–, ]+")
# The folder's name before a file of it (`csv/managers.csv:2:5`).
FOLDER = re.compile(r"\b(csv|parquet)/")


def norm(v):
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items() if k != "ledger"}
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, str):
        return FOLDER.sub("", CELLS.sub("[CELLS]", v))
    return v


a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
net = sum(Decimal(m["pay"]["net"]) for m in a["managers"])
if norm(a) != norm(b):
    sys.exit(f"same_pay: {sys.argv[1]} and {sys.argv[2]} differ beyond the input's name, hash and cells")
print(f"same pay from both: {len(a['managers'])} RMs, net pay {net}")
