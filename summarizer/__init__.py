"""Local transformer models: sentence embeddings, summaries and topic matching.

Knows nothing about Telegram or the database: it works on plain text and numpy arrays.
"""
