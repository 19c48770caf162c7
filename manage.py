#!/usr/bin/env python
"""Django's manage.py; `peerpath` is the same with PeerPath's own commands in front."""

from peerpath.cli.main import main

if __name__ == "__main__":
    main()
