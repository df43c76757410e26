"""One module per programming language; API patterns are data in rules/patterns/."""
