"""The county's people, units and places: finding a unit, a person or the county (lookup), place
names as people write them (places), administering people from the console (admin) and the
leaders' reception schedule (reception). The county file that fills it is core.county."""
