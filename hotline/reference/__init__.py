"""Reference data: rows nearly every action reads and that change a few times
a year. Each process keeps a copy of each kind, rebuilt when its revision
moves (hotline.reference.revisions)."""
