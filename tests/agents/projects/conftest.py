"""Sample projects are data for the build-test-fix tests: never collected by our own pytest."""

collect_ignore_glob = ["*"]
