"""Drafting: turning a decision ("touch K on channel C") and retrieved sources into a message."""
