"""`make bench`: what loket costs, measured. Each prints `bench <name>: <figure> (goal ...)`."""
