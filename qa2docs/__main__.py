"""python -m qa2docs."""

from qa2docs.cli.main import main

if __name__ == "__main__":
    main()
