"""python -m qa2docs."""

from qa2docs.cli import main

if __name__ == "__main__":
    main()
