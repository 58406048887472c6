"""Started by `make bench`: see rapport/scale/bench.py (not part of `make test`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapport.scale.bench import main

sys.exit(main())
