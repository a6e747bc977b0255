"""Reading replies: what a lead's (or a machine's) answer means, and what may follow from it.

``reader.py`` is the reader in use (a learned model held to asymmetric safety), ``llm.py`` the model
reader when one is configured, ``rules.py`` the old phrase rules kept as a baseline. ``message.py``
separates a reply's own words from the quoted thread and from text written to a model; ``dates.py``,
``contacts.py`` and ``language.py`` read return dates, named contacts and the language.
"""
