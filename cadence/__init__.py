"""cadence: meeting-cadence planner for Swedish regional collaboration structures.

The flow is one way: scenario file → :class:`~cadence.scenario.Scenario` → CP-SAT model →
plan → exports.
"""

__version__ = "0.1.0"
