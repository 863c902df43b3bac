"""digestbot: a self-hosted Telegram bot that stores news articles, summarizes them locally and
pushes scheduled, topic-filtered digests."""
