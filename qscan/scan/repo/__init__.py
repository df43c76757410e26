"""Repository analyzers: configuration formats, source code and embedded key material.

Each format and each language is one small module implementing FileAnalyzer; the walker
and the parallel reader are in qscan.scan.files and qscan.scan.walk.
"""
