"""Password hashing, signed tokens and keyed digests."""
