"""The tracker document's query names on its alias paths."""

from entrypoints.http.aliases import _tracker_query


def test_page_size_is_read_as_limit() -> None:
    assert _tracker_query(b"page_size=20&q=x") == b"limit=20&q=x"


def test_our_limit_wins_over_page_size() -> None:
    assert _tracker_query(b"limit=5&page_size=20") == b"limit=5"


def test_other_queries_pass_untouched() -> None:
    assert _tracker_query(b"limit=5&cursor=a%2Bb") == b"limit=5&cursor=a%2Bb"
    assert _tracker_query(b"") == b""
