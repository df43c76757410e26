"""One module per configuration format."""
