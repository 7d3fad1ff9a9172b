"""The ports, by concern: what the use cases need from the outside world, as Protocols the adapters implement."""
