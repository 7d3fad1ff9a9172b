"""msgspec Structs for requests and responses; unknown fields are refused."""
