"""Hard rules, one module per family, each with one ``add(model, instance, variables)``.

Availability (working days, weekdays, start times, half days, people's unavailability) has no
module of its own: each meeting's day and start-time domains only hold allowed options.
"""

from cadence.solver.constraints import conflicts, counts, items, precedence

# Order does not change the model: items reads the carrier variables it creates itself, and
# the rest only read the meetings' variables.
FAMILIES = (counts, precedence, items, conflicts)
