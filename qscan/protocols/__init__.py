"""Protocol data shared by the network scanners and the configuration parsers: codepoints,
names and the builders that turn them into findings of one shape."""
