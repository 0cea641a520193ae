"""The `ganforge` command: one module per subcommand, each a thin call into the library."""
