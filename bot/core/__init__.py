"""Pure values and rules: the domain's records and the schedule grammar; no I/O, no framework."""
