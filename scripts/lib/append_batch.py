#!/usr/bin/env python3
"""An append-mode batch from two snapshots (issue 33's append benchmark): for each CSV of NEXT, the records that
are not in the same file of DAY (new or changed rows; a record counted as often as it appears), with the header.
A file identical in both is copied whole: staging then finds it unchanged and keeps its tables, as it would for a
batch that re-sends an unchanged file. Rows that left the snapshot are not in the batch (append mode deletes
nothing).

    append_batch.py DAY_DIR NEXT_DIR OUT_DIR
"""
import collections
import csv
import filecmp
import os
import shutil
import sys

csv.field_size_limit(sys.maxsize)


def records(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, [tuple(r) for r in reader]


def main(day, nxt, out):
    os.makedirs(out, exist_ok=True)
    for name in sorted(os.listdir(nxt)):
        if not name.endswith(".csv"):
            continue
        source, before = os.path.join(nxt, name), os.path.join(day, name)
        if not os.path.exists(before) or filecmp.cmp(before, source, shallow=False):
            shutil.copyfile(source, os.path.join(out, name))
            print(f"{name}: whole ({'no file on the day before' if not os.path.exists(before) else 'unchanged'})")
            continue
        header, rows = records(source)
        header_before, old = records(before)
        if header != header_before:
            sys.exit(f"Cannot build the batch: {name} has header {header} on the day after, {header_before} before")
        seen = collections.Counter(old)
        batch = []
        for r in rows:
            if seen[r] > 0:
                seen[r] -= 1
            else:
                batch.append(r)
        if not batch:
            sys.exit(f"Cannot build the batch: {name} changed but holds no new or changed record (only removals); "
                     "an append batch needs at least one row per file")
        with open(os.path.join(out, name), "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(batch)
        print(f"{name}: {len(batch)} new or changed of {len(rows)} records")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
