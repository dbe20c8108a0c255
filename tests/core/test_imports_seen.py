"""The external ids a pass has met: the row of each, also once they moved to disk."""

from guanxi.core.imports.seen import SeenRefs


def test_ids_are_found_before_and_after_they_spill_to_disk():
    seen = SeenRefs(in_memory=3)
    for number, ref in enumerate(["A", "B", "C", "D", "E"], start=2):
        assert seen.get(ref) is None
        seen[ref] = number
    assert seen.spilled is not None and len(seen.recent) < 3
    assert [seen.get(ref) for ref in ["A", "C", "E", "Z"]] == [2, 4, 6, None]
    assert len(seen) == 5
    seen.close()
    assert seen.get("A") is None
