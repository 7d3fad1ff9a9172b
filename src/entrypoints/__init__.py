"""The driving side and the wiring: settings, the composition root, HTTP, workers, scheduler, CLI."""
