"""The public's pages, no login: report a problem and follow it by its receipt."""
