"""The corpuskit command line: one thin module per subcommand, plus the group and options."""
