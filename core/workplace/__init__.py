"""The bureau's workplace, read: the console's shelves, lists, search and case file (workbench) and
signing in to it (signin)."""
