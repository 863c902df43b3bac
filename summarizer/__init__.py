"""Local transformer models: sentence embeddings, summaries and topic matching.

Knows nothing about Telegram or the database: it works on plain text and numpy arrays. Every
torch import here is lazy, so that a program can set torch's thread knobs first
(`bot.runtime.configure_process`).
"""
