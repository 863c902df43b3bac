"""Local transformer models: sentence embeddings, summaries and topic matching.

Knows nothing about Telegram or the database: it works on plain text and numpy arrays.

Torch's OpenMP threads spin while they wait for work by default. On a 2-core machine shared with
another busy process, or in the bot where the summary worker and a /digest query encode at once,
spinning threads starve each other: encoder calls measured 5–20× slower (a query embedding 0.7 s
instead of 30 ms). Passive waiting has a price on an idle machine: batched encoding of 300
sentences ±15 %, but one bench/summarize.py run summarized at half the speed (README). It is the
default here, for a bot that encodes in its worker and its handlers at once; set
OMP_WAIT_POLICY=ACTIVE for a machine the bot has to itself. Set before torch is first imported
(every torch import in this package is lazy); a value already in the environment is kept.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
