"""The desktop app: the only package that imports PySide6. Views call the core via pipeline."""
