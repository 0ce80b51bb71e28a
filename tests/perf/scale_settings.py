"""Settings for tests/perf/bench_http.py: the production settings plus a bare view to compare with.

Everything comes from the environment exactly as in production (congress.settings); this module
only swaps in a urlconf that adds `/bench/bare/` and lets the benchmark point STATIC_ROOT at a
temporary directory (DEBUG off serves the manifest that collectstatic writes there).
"""

import os
from pathlib import Path

from congress.settings import *  # noqa: F403

ROOT_URLCONF = "tests.perf.scale_urls"
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
