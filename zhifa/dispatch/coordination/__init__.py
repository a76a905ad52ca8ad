"""会商 / 现场联席会 and evidence shared between units (证据互通互认)."""
