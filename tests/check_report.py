"""How the Python check scripts under tests/ report: one "ok"/"FAIL" line per check, the
failures remembered, and an exit status at the end.

A script imports it after putting tests/ on its path:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    from check_report import check, exit_status
"""

failures = []


def check(condition, message, detail=""):
    """Prints ok/FAIL for @message (with @detail indented on failure) and records a failure.
    Returns @condition, so a check can guard the checks that depend on it."""
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        if detail:
            print("     " + str(detail).replace("\n", "\n     "))
        failures.append(message)
    return condition


def exit_status():
    """0 when every check passed, else 1 (after saying how many failed)."""
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0
