"""Channels: how a committed touch reaches a lead. Each sits behind the small ``Sender`` interface."""
