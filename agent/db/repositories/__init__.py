"""Every query lives in a repository, one per noun: the rest of the code asks one, never builds SQL itself.

Repositories add and flush but never commit: the unit of work (an API request, a worker tick) owns the
transaction, so a failure anywhere rolls back everything that request wrote. Each stands on
``RepositoryBase`` (``base.py``), which gives every noun the same get, lock, add and paging.
"""
