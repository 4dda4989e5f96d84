"""The records AppState keeps that are not calls: what the sinks received, and the timeline.

No HTTP here: the control API (mockserver/control/) reads and writes these records; state.py owns them.
"""
