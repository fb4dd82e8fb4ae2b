"""Rule numbers as people read them."""


def rule_number(index: int) -> str:
    """1-based, so `#1` is the first rule in the file; the wire's `matched_rule.index` is 0-based."""
    return f"#{index + 1}"
