"""Reads of risk colours, scoped by who asks: a subject's colour and history are as visible as the subject."""

from __future__ import annotations

from zhifa.risk.models import RiskColourChange, SubjectRisk
from zhifa.subjects.selectors import subject_get


def subject_risk_get(*, user, pk: int) -> tuple:
    """(subject, its SubjectRisk or None, its colour history oldest first); 404 outside the jurisdiction."""
    subject = subject_get(user=user, pk=pk)
    risk = SubjectRisk.objects.filter(subject=subject).first()
    history = list(RiskColourChange.objects.filter(subject=subject).order_by("at", "id"))
    return subject, risk, history
