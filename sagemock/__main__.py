"""`python -m sagemock ...`: the `sagemock` command without relying on the console script
(virtualenvs whose bin/ is not on PATH, `python -m` in CI)."""
from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
