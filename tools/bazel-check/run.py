#!/usr/bin/env python3
"""Entry point: `python3 tools/bazel-check/run.py [--write]`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bazel_check.__main__ import main  # noqa: E402

sys.exit(main())
