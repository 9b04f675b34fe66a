"""Maven version order: the semantics of Maven's ComparableVersion (maven-artifact 3.8/3.9).

A version is parsed into a list of items: numbers, qualifiers and sub-lists (a `-`, or a
switch between letters and digits, opens a sub-list). Known qualifiers order as
alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp, unknown
ones after them alphabetically; `a1`, `b1`, `m1` mean alpha-1, beta-1, milestone-1.
So `1.0.RELEASE == 1.0.Final == 1.0 < 1.0-sp1`, and `5.3.20.RELEASE == 5.3.20`, which is
what Spring's and Hibernate's version strings need.
"""

from __future__ import annotations

from functools import lru_cache

from services.scanner.versions.ordering import VersionOrdering

_QUALIFIERS = ("alpha", "beta", "milestone", "rc", "snapshot", "", "sp")
_ALIASES = {"ga": "", "final": "", "release": "", "cr": "rc"}
_SHORT_QUALIFIERS = {"a": "alpha", "b": "beta", "m": "milestone"}
_RELEASE_INDEX = str(_QUALIFIERS.index(""))

# An item is an int (a number), a str (a qualifier, aliases applied) or a list/tuple of
# items (a sub-list); None stands for "no item here" when lists of different lengths
# are compared.
Item = int | str | tuple["Item", ...]


def _qualifier(text: str, followed_by_digit: bool) -> str:
    if followed_by_digit and len(text) == 1:
        text = _SHORT_QUALIFIERS.get(text, text)
    return _ALIASES.get(text, text)


def _comparable_qualifier(qualifier: str) -> str:
    if qualifier in _QUALIFIERS:
        return str(_QUALIFIERS.index(qualifier))
    return f"{len(_QUALIFIERS)}-{qualifier}"


def _parse_item(is_digit: bool, text: str) -> int | str:
    return int(text) if is_digit else _qualifier(text, followed_by_digit=False)


def _is_null(item: object) -> bool:
    return item == 0 or item == "" or (isinstance(item, list) and not item)


def _normalise(items: list[object]) -> None:
    # drop trailing "null" items (0, "", empty list); non-empty sub-lists are stepped
    # over, so 1.0-alpha becomes [1, [alpha]]
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if _is_null(item):
            del items[index]
        elif not isinstance(item, list):
            break


def _freeze(items: list[object]) -> tuple[Item, ...]:
    return tuple(_freeze(i) if isinstance(i, list) else i for i in items)  # type: ignore[misc]


def parse(version: str) -> tuple[Item, ...]:
    """The normalised item list of a version, as ComparableVersion builds it."""
    text = version.strip().lower()
    root: list[object] = []
    current = root
    lists = [root]

    def open_sublist() -> None:
        nonlocal current
        sublist: list[object] = []
        current.append(sublist)
        current = sublist
        lists.append(sublist)

    is_digit = False
    start = 0
    for index, char in enumerate(text):
        if char in ".-":
            current.append(0 if index == start else _parse_item(is_digit, text[start:index]))
            start = index + 1
            if char == "-":
                open_sublist()
        elif char.isdecimal():
            if not is_digit and index > start:
                # 1.0.0.X1 < 1.0.0-X2: a qualifier followed by digits is treated as -X
                if current:
                    open_sublist()
                current.append(_qualifier(text[start:index], followed_by_digit=True))
                start = index
                open_sublist()
            is_digit = True
        else:
            if is_digit and index > start:
                current.append(int(text[start:index]))
                start = index
                open_sublist()
            is_digit = False
    if len(text) > start:
        if not is_digit and current:
            open_sublist()
        current.append(_parse_item(is_digit, text[start:]))
    for items in reversed(lists):
        _normalise(items)
    return _freeze(root)


def _compare_items(left: Item | None, right: Item | None) -> int:
    """ComparableVersion's Item.compareTo, with None for a missing item."""
    if left is None:
        return 0 if right is None else -_compare_items(right, None)
    if isinstance(left, int):
        if right is None:
            return 0 if left == 0 else 1
        if isinstance(right, int):
            return (left > right) - (left < right)
        return 1  # 1.1 > 1-sp and 1.1 > 1-1
    if isinstance(left, str):
        if right is None:
            mine = _comparable_qualifier(left)
            return (mine > _RELEASE_INDEX) - (mine < _RELEASE_INDEX)
        if isinstance(right, str):
            mine, theirs = _comparable_qualifier(left), _comparable_qualifier(right)
            return (mine > theirs) - (mine < theirs)
        return -1  # 1.any < 1.1 and 1.any < 1-1
    if right is None:
        for item in left:
            result = _compare_items(item, None)
            if result:
                return result
        return 0
    if isinstance(right, int):
        return -1  # 1-1 < 1.0.x
    if isinstance(right, str):
        return 1  # 1-1 > 1-sp
    for index in range(max(len(left), len(right))):
        result = _compare_items(
            left[index] if index < len(left) else None,
            right[index] if index < len(right) else None,
        )
        if result:
            return result
    return 0


class MavenKey:
    """A parsed version that orders like ComparableVersion."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[Item, ...]) -> None:
        self.items = items

    def __lt__(self, other: MavenKey) -> bool:
        return _compare_items(self.items, other.items) < 0

    def __gt__(self, other: MavenKey) -> bool:
        return _compare_items(self.items, other.items) > 0

    def __le__(self, other: MavenKey) -> bool:
        return _compare_items(self.items, other.items) <= 0

    def __ge__(self, other: MavenKey) -> bool:
        return _compare_items(self.items, other.items) >= 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MavenKey) and self.items == other.items

    def __hash__(self) -> int:
        return hash(self.items)

    def __repr__(self) -> str:
        return f"MavenKey({self.items!r})"


@lru_cache(maxsize=65536)
def key(version: str) -> MavenKey:
    """Sort key; every string is a Maven version."""
    return MavenKey(parse(version))


@lru_cache(maxsize=65536)
def valid(version: str) -> bool:
    """Maven accepts any non-empty version string."""
    return bool(version.strip())


ORDERING = VersionOrdering(name="maven", key=key, valid=valid)
