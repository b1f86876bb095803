"""The `course` command's subcommands, one module each."""
