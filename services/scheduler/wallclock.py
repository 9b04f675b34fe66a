"""Local wall time <-> instant under the scheduler's DST policy (skipped times run at the jump)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# The DST policy, in one place:
# - a wall time the clock skips (spring forward, e.g. 02:30 in Europe/Berlin on the last
#   Sunday of March) stands for the instant the clock jumps, i.e. the next valid wall time
#   (03:00 local), so the run happens once, as soon as possible;
# - a wall time the clock shows twice (fall back) stands for its first occurrence only.


def local_wall(instant: datetime, tz: ZoneInfo) -> datetime:
    """The naive local wall time an aware instant shows in `tz`."""
    # Via UTC: astimezone() to the instant's own tzinfo returns it unchanged, which would
    # hide a wall time that does not exist.
    return instant.astimezone(UTC).astimezone(tz).replace(tzinfo=None, fold=0)


def wall_exists(wall: datetime, tz: ZoneInfo) -> bool:
    """True unless the clock in `tz` skips `wall` (a DST gap)."""
    return local_wall(wall.replace(tzinfo=tz, fold=0), tz) == wall.replace(fold=0)


def resolve_wall(wall: datetime, tz: ZoneInfo) -> datetime:
    """The aware UTC instant a naive local wall time stands for under the DST policy."""
    if wall_exists(wall, tz):
        return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    # In a gap, fold=1 applies the offset after the jump (an instant before it) and fold=0
    # the offset before the jump (an instant after it); bisect for the jump itself.
    before = int(wall.replace(tzinfo=tz, fold=1).timestamp())
    after = int(wall.replace(tzinfo=tz, fold=0).timestamp()) + 1
    while after - before > 1:
        middle = (before + after) // 2
        if local_wall(datetime.fromtimestamp(middle, UTC), tz) > wall:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC)
