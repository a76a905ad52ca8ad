"""执法计划: next year's enforcement focus from a year of complaints."""
