"""Working with saved inventories: streaming reader, merge, aggregates, history store,
diffs and the roadmap model."""
