"""Run every benchmark: ``python -m bench`` (``make bench``)."""

import importlib
import pkgutil
import sys
from pathlib import Path

SKIP = {"gunicorn_conf", "harness", "settings", "urls"}

if __name__ == "__main__":
    names = sys.argv[1:] or sorted(
        info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if info.name not in SKIP and not info.name.startswith("_")
    )
    for name in names:
        print(f"== bench.{name}", flush=True)
        importlib.import_module(f"bench.{name}").main()
