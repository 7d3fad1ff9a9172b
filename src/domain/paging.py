"""How much one page of a list holds, and how long the inputs that choose it may be."""

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_CURSOR_LENGTH = 200
MAX_SEARCH_LENGTH = 100
