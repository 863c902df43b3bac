"""Local transformer models: sentence embeddings, summaries and topic matching.

Knows nothing about Telegram or the database: it works on plain text and numpy arrays.

Torch's OpenMP threads (GNU libgomp in the PyPI wheels) spin while they wait for work. On a
2-core machine shared with another busy process, or in the bot where the summary worker and a
/digest query encode at once, spinning threads starve each other: encoder calls measured 5–20×
slower. Never spinning (OMP_WAIT_POLICY=PASSIVE) costs an idle machine dearly instead: one
sentence at a time took 2.3× as long, batched encoding 1.2×. A short spin gives both: with
GOMP_SPINCOUNT=10000, two processes encoding at once each took what PASSIVE took (libgomp's own
spin of about 3 ms: 1.4× that, ACTIVE: 1.8×), while alone single sentences took 1.25× and
batches 1.2× of ACTIVE's time. It is the default here unless the environment sets
GOMP_SPINCOUNT or OMP_WAIT_POLICY (which libgomp would otherwise let GOMP_SPINCOUNT override).
Set before torch is first imported (every torch import in this package is lazy).
"""

import os

if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "10000")  # about 0.1 ms of spinning
