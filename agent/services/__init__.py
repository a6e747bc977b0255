"""The commands of the product, one module per noun (leads, suppression, touches, review, handoffs,
tasks, events, inquiries, inbound): each owns its commands, their authorisation (``access.py``) and
their audit entries, and raises one typed refusal (``errors.py``). Routes, pages, the CLI and the
worker call these; none of them changes a row by itself.
"""
