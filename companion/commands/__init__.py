"""The handlers of the ``companion`` subcommands, one module per command.

Each module has ``handle(args) -> exit code``. `companion.cli` builds the parser and imports
a command's module only when that command runs, so heavy libraries load only when needed;
the handlers import them inside ``handle`` too, so importing a module here stays cheap.
"""
