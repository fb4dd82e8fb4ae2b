"""One module per command (or small group), each with `register(subparsers, parent)` and its run function."""
