"""Use cases: take articles in, summarize them, select digests, follow feeds, subscribe chats to
topics and set their time zones, read pushed digests back for their buttons.

Nothing here imports python-telegram-bot; each use case works on the store and the models, so it
is unit-tested on a real SQLite store without a Bot API.
"""
