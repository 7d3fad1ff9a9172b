"""Driven adapters: the real implementations of the application's ports."""
