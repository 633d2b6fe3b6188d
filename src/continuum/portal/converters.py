"""The `id` path converter: a record's number, at most 18 digits.

Django's `int` takes any length, and on SQLite a number past 64 bits reaches the driver and fails with a 500
(OverflowError) where the lookup goes through a parent link (agencies and providers are organizations). No
record has such a number, so the address simply does not match: a 404."""


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))
