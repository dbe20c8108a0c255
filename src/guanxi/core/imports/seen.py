"""The external ids met so far in a file, with the row that had each, so a repeated one is
reported as a repeat of that row.

A million-row file has a million ids: they stay in memory up to ``IN_MEMORY`` entries, then
move to a temporary SQLite file on disk (deleted when the pass ends), so the memory a pass
uses stays flat whatever the size of the file.
"""

import sqlite3

IN_MEMORY = 50_000


class SeenRefs:
    def __init__(self, *, in_memory: int = IN_MEMORY) -> None:
        self.in_memory = in_memory
        self.recent: dict[str, int] = {}
        self.spilled: sqlite3.Connection | None = None
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def get(self, ref: str) -> int | None:
        number = self.recent.get(ref)
        if number is None and self.spilled is not None:
            found = self.spilled.execute("SELECT number FROM seen WHERE ref = ?", (ref,)).fetchone()
            number = found[0] if found else None
        return number

    def __setitem__(self, ref: str, number: int) -> None:
        self.recent[ref] = number
        self.count += 1
        if len(self.recent) >= self.in_memory:
            self._spill()

    def _spill(self) -> None:
        if self.spilled is None:
            # "" is a private temporary database on disk, removed when it is closed.
            self.spilled = sqlite3.connect("")
            self.spilled.execute("CREATE TABLE seen (ref TEXT PRIMARY KEY, number INTEGER)")
        self.spilled.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", self.recent.items())
        self.recent = {}

    def close(self) -> None:
        if self.spilled is not None:
            self.spilled.close()
            self.spilled = None
        self.recent = {}
