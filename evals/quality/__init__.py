"""Message-quality suites: lead scenarios run through the real drafting, decision and retrieval code.

``touchpoint eval run --suite NAME`` runs one (``runner``), ``touchpoint eval compare A B`` compares two
runs (``compare``). The data lives beside the code: ``suites/`` (what to run and the thresholds that gate
CI), ``scenarios/`` (the leads and what should happen), ``human_labels.yaml`` (drafts scored by a person,
to measure the LLM judge against). See docs/evals.md.
"""
