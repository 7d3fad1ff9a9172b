"""Uploaded images: checked by decoding, re-encoded without metadata, stored under MEDIA_ROOT."""
