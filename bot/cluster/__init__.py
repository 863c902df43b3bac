"""Cluster mode (`queue = "procrastinate"`, PostgreSQL only): summaries and feed polls as jobs
of the procrastinate engine, in the bot's own database, run by any number of `digestbot
worker` processes.

    queue.py   the queue's schema (`apply_queue_schema`), queueing jobs, the summary job queued
               in the article's transaction (`SummaryJobs`)
    tasks.py   the jobs and periodic jobs a worker runs (`TASK_GROUPS`)
    worker.py  the worker process (`run_cluster_worker`)
"""
