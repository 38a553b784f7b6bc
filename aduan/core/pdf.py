"""What every PDF the project draws with fpdf2's core fonts shares (the monthly evaluation, one
report on paper)."""


def latin1(text) -> str:
    """The core fonts are Latin-1: replace what they cannot draw rather than fail."""
    return (
        str(text)
        .replace("›", ">")
        .replace("–", "-")
        .replace("—", "-")
        .replace("\u2019", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .encode("latin-1", "replace")
        .decode("latin-1")
    )
