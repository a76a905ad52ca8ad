"""监管一件事: inspection records with their checklists and findings, and guidance visits (执法体检)."""
