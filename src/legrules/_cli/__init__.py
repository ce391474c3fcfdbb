"""The command line's commands (private): ``legrules.cli`` builds the parser from them.

Each command module has ``register(commands)``, which adds its sub-parser and sets
``handler(args, out, err) -> int`` as its default; optional packages add commands the
same way (``legrules.cli._EXTENSIONS``).
"""
