"""Pure computation for zhifa: no Django imports."""
