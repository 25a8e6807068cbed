"""The help desk's screens: the operator workspace and what it opens (step 4)."""
