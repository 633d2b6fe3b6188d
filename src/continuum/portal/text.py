"""Characters that text typed into Continuum may not hold, with the reason a person can act on.

NUL cannot be stored by PostgreSQL at all. Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069)
make text display in an order other than the one it was typed in, so a name or a file name can read as
something it is not; no field here needs them. Other control characters (except tab and line breaks) are
never typed by a person."""

from django.core.exceptions import ValidationError

BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def hidden_character_problem(value: str) -> str | None:
    """Why the text can't be kept (naming the first offending character and where it is), or None."""
    for position, char in enumerate(value, start=1):
        if char in BIDI_CONTROLS:
            return (
                f"contains a hidden direction-changing character (U+{ord(char):04X}) at character {position}; "
                "retype the text without it"
            )
        if (ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0) and char not in ALLOWED_CONTROLS:
            return f"contains a control character (U+{ord(char):04X}) at character {position}; remove it"
    return None


def no_hidden_characters(value) -> None:
    """A form validator."""
    if isinstance(value, str):
        problem = hidden_character_problem(value)
        if problem:
            raise ValidationError(
                "This text %(problem)s.", params={"problem": problem}, code="hidden_character"
            )
