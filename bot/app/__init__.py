"""Use cases: take articles in, summarize them, select digests, follow feeds (and import or export
their OPML lists), subscribe chats to topics and set their time zones, read pushed digests back
for their buttons, list, search, show and delete stored articles, prune them by age.

Nothing here imports python-telegram-bot; each use case works on the store and the models, so it
is unit-tested on a real SQLite store without a Bot API.
"""
