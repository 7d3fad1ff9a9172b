"""Controllers, one per resource: Struct in, one use case, Struct out."""
