"""Topic matching: which stored articles a reader who asked for a topic wants.

Each article is judged on its own: the probability that it is about the topic comes from its
evidence alone, and it matches when that probability is at least 0.5 ("more likely wanted than
not"), ranked by it. Nothing else in the store changes the verdict: the same article gets the
same answer in a store of 1 or 100,000. The stages, one module each:

1. query (`query`): the text a user typed becomes phrases to want and phrases to exclude
   ("russia OR ukraine -crimea"); each phrase gets its names (`names`: Russian, Moscow,
   Kremlin for "russia", from `countries`) and its kind (`kinds`: a category word such as
   "sport", judged against the news categories, or a name; a concept of their vocabulary,
   "takeovers", is also named by its synonyms there: merger, acquisition).
2. candidates (`passages`): the period's articles with their stored passage vectors, stacked
   into one matrix, so a phrase meets all of them in a few matrix-vector products.
3. evidence (`evidence`): where and how often an article names the phrase, how close its
   passages and the whole article come to the embedded phrase, and, for a phrase of the news
   categories' kind ("sport", "crime", "business"), how it fares against those categories for
   this article (zero-shot classification: a match report is nearer "sport" than any other
   broad category, though no fixed cosine separates "sport" from match reports).
4. aboutness (`aboutness`): P(about | evidence) from small fitted logistic models.
5. decision (`decision`): the cut, the ranking, and a query's phrases and exclusions combined.

`matcher.TopicMatcher` runs them, with its knobs in `settings.TopicSettings`; `subjects` finds
the frequent subjects of a period, to suggest topics; `evaluation` and `fitting` measure the
matcher on labelled corpora and fit the aboutness models (bench/topics.py).

Cost: with a full-text index (`articles_naming`, the store's FTS5 / tsvector) only the articles
naming one of the topic's names are read for the naming evidence; the others have none, and
their meaning evidence is a few matrix-vector products over the stacked passage vectors.

Limits: see `aboutness` (what the evidence misses) and README "Topic matching" (figures per
corpus, leave-one-corpus-out). This package file imports nothing, so a light module of it
(`query`, for its syntax text) can be imported without numpy or the models.
"""
