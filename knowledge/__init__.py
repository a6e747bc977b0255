"""The company's knowledge: content files, their parsing, embedding, the vector store and retrieval."""

from pathlib import Path
from typing import Final

# The demo company's knowledge folder (Northstar Bookings), shipped inside the package: the default
# TOUCHPOINT_KNOWLEDGE_DIR, so that Touchpoint starts from any folder, not only from a checkout.
DEMO_CONTENT: Final = Path(__file__).resolve().parent / "content"
