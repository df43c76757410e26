"""Protocol knowledge shared by endpoint scanners and configuration parsers."""
