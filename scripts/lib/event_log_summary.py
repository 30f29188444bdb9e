#!/usr/bin/env python3
"""Summarises Spark event logs (plain or rolling "eventlog_v2_*" folders): which workers ran executors, which
executors were lost, and how many tasks were retried because of it. Exit 0 when at least MIN_APPS applications
ran executors on at least MIN_WORKERS workers (and, with --expect-lost, an executor was lost).
Usage: event_log_summary.py EVENT_DIR MIN_APPS MIN_WORKERS [--expect-lost]"""
import json
import os
import re
import sys


def event_files(app_path):
    if os.path.isdir(app_path):
        return sorted(os.path.join(app_path, f) for f in os.listdir(app_path) if f.startswith("events_"))
    return [app_path]


def main():
    events, min_apps, min_workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    expect_lost = "--expect-lost" in sys.argv[4:]
    workers, removed, lost_tasks, apps = set(), [], 0, 0
    for name in sorted(os.listdir(events)):
        if name.startswith("."):
            continue
        apps += 1
        for path in event_files(os.path.join(events, name)):
            with open(path) as f:
                for line in f:
                    e = json.loads(line)
                    kind = e.get("Event")
                    if kind == "SparkListenerExecutorAdded":
                        info = e["Executor Info"]
                        url = info.get("Log Urls", {}).get("stderr", "")
                        m = re.search(r"//([^/]+)/", url)
                        workers.add(m.group(1) if m else info["Host"])
                    elif kind == "SparkListenerExecutorRemoved":
                        removed.append((name, e["Executor ID"], e.get("Removed Reason", "")))
                    elif kind == "SparkListenerTaskEnd" and \
                            e.get("Task End Reason", {}).get("Reason") == "ExecutorLostFailure":
                        lost_tasks += 1
    print(f"{apps} applications; executors ran on the workers at {sorted(workers)}")
    for app, executor, why in removed:
        print(f"executor {executor} of {app} removed: {why[:200]}")
    print(f"tasks lost with their executor and run again elsewhere: {lost_tasks}")
    lost_ok = not expect_lost or any("worker" in why.lower() or "lost" in why.lower() for _, _, why in removed)
    return 0 if apps >= min_apps and len(workers) >= min_workers and lost_ok else 1


if __name__ == "__main__":
    sys.exit(main())
