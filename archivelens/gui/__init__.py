"""The desktop app: the only package that imports PySide6. Views call the core via pipeline."""

APP_NAME = "ArchiveLens"  # what people see; files, settings and commands stay "archivelens"
