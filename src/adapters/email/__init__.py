"""Email: Jinja2 templates rendered to HTML and plain text, sent over SMTP or saved to an outbox."""
