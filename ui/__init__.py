"""The chat UI (Gradio). Importing this package is light; Gradio loads when the app is built.

    rag ui [--host 127.0.0.1] [--port 7860] [--index DIR]     or     python -m ui
"""
from ui.cli import add_parser

__all__ = ["add_parser"]
