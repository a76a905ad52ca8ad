"""Demo cases (办案): the year's enforcement work as penalty cases, shaped as the case services record them.

About a tenth of the year's events end in a case: each event resolved by enforcement (执法) opens one in the
unit that worked it (a few of them settled on the spot by the simple procedure), and violations found on
inspections add the rest. Each case walks the procedure day by day — investigation, notice, the party's
answer, hearing and legal review where the law asks for them, decision, service, payment or public service,
publication, closing — until the demo's as-of date; cases filed late in the year are still running, a few are
stalled past a deadline. Soft outcomes (不予处罚, 首违不罚, 以学代罚) come from inspection cases only, so the
events' 721 modes stay as they are. Numbers follow the services' numbering and the counters are left so the
next case opened by hand gets the next number; next_due is computed by case_deadlines_refresh. Bulk inserts.
"""

from zhifa.demo.cases.build import build_cases

__all__ = ["build_cases"]
