"""双随机一公开: random draws of subjects and inspectors, conflicts, publication."""
