"""Use cases: take articles in, summarize them, select digests, follow feeds, push subscriptions.

Nothing here imports python-telegram-bot; each use case works on the store and the models, so it
is unit-tested on a real SQLite store without a Bot API.
"""
