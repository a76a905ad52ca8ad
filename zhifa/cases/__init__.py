"""Case handling by the Administrative Penalty Law (办案): from a finding to a closed case."""
