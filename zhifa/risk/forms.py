"""The policy form: thresholds, weights and frequency per colour as fields, the rest of the policy as JSON."""

import json

from django import forms

from zhifa.engine.risk import COLOUR_LABELS, COLOURS, RiskPolicy

WEIGHT_LABELS = {
    "complaints": "每件投诉（近 12 个月）",
    "violations": "每单位违法加权",
    "since_inspection": "距上次检查每满 1 年",
    "new_business": "新开业",
    "scenarios": "每个高风险场景",
}
SHOWN = ("thresholds", "weights", "frequency")
HIDDEN = ("industry_levels",)  # hundreds of industry codes: merged key by key if given, not shown


def _number(label: str, **kwargs) -> forms.FloatField:
    return forms.FloatField(label=label, widget=forms.NumberInput(attrs={"step": "any"}), **kwargs)


class RiskPolicyForm(forms.Form):
    threshold_yellow = _number("黄码起点（分）", help_text="低于此分为绿码")
    threshold_red = _number("红码起点（分）", help_text="不低于此分为红码")
    note = forms.CharField(label="修改说明", max_length=200, widget=forms.TextInput(attrs={"size": 40}))
    advanced = forms.CharField(
        label="其他设置（JSON，可不改）",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 10, "spellcheck": "false", "style": "width:100%;font-family:monospace"}
        ),
        help_text="基础分、信用等级分值、行业风险分值、违法情节权重、计分上限、半衰期等；省略的项取默认值。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_fields()
        for field in self.fields.values():
            # Chinese whatever language the browser asks for.
            field.error_messages.update(
                required=f"请填写{field.label}",
                invalid=f"{field.label}应为数字",
                min_value=f"{field.label}不能小于 %(limit_value)s",
                max_length=f"{field.label}不能超过 %(limit_value)d 个字符",
            )

    def _add_fields(self) -> None:
        for key, label in WEIGHT_LABELS.items():
            self.fields[f"weight_{key}"] = _number(label)
        for colour in COLOURS:
            name = COLOUR_LABELS[colour]
            self.fields[f"freq_{colour}_per_year"] = _number(f"{name}每年例行检查次数", min_value=0)
            self.fields[f"freq_{colour}_on_cause_only"] = forms.BooleanField(
                label=f"{name}仅有事由时检查（无事不扰）", required=False
            )
            self.fields[f"freq_{colour}_targeted"] = forms.BooleanField(
                label=f"{name}另加专项检查", required=False
            )

    @staticmethod
    def initial_from(policy: RiskPolicy) -> dict:
        data = policy.to_dict()
        initial = {
            "threshold_yellow": data["thresholds"][0],
            "threshold_red": data["thresholds"][1],
            "advanced": json.dumps(
                {k: v for k, v in data.items() if k not in SHOWN + HIDDEN}, ensure_ascii=False, indent=2
            ),
        }
        for key in WEIGHT_LABELS:
            initial[f"weight_{key}"] = data["weights"][key]
        for colour in COLOURS:
            for flag, value in data["frequency"][colour].items():
                initial[f"freq_{colour}_{flag}"] = value
        return initial

    def clean_advanced(self):
        text = (self.cleaned_data.get("advanced") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"不是合法的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有误"
            ) from None
        if not isinstance(value, dict):
            raise forms.ValidationError('应为 JSON 对象，如 {"intercept": 10}')
        shown = sorted(set(value) & set(SHOWN))
        if shown:
            raise forms.ValidationError(
                f"阈值、权重和检查频次请在上方填写，不要写在这里（{'、'.join(shown)}）"
            )
        return value

    def policy_data(self) -> dict:
        d = self.cleaned_data
        return {
            **d.get("advanced", {}),
            "thresholds": [d["threshold_yellow"], d["threshold_red"]],
            "weights": {key: d[f"weight_{key}"] for key in WEIGHT_LABELS},
            "frequency": {
                c: {
                    "per_year": d[f"freq_{c}_per_year"],
                    "on_cause_only": d[f"freq_{c}_on_cause_only"],
                    "targeted": d[f"freq_{c}_targeted"],
                }
                for c in COLOURS
            },
        }

    def add_service_errors(self, errors: list[dict], message: str) -> None:
        """Put the service's per-setting errors on the matching fields; the rest on the advanced JSON."""
        if not errors:
            self.add_error(None, message)
        for e in errors:
            field, text = e.get("field") or "", e.get("message") or message
            parts = field.split(".")
            if field == "thresholds":
                target = "threshold_yellow"
            elif parts[0] == "weights" and len(parts) == 2 and f"weight_{parts[1]}" in self.fields:
                target = f"weight_{parts[1]}"
            elif parts[0] == "frequency" and len(parts) == 3 and f"freq_{parts[1]}_{parts[2]}" in self.fields:
                target = f"freq_{parts[1]}_{parts[2]}"
            elif field in ("weights", "frequency", "data", ""):
                target = None
            elif field == "note":
                target = "note"
            else:
                target = "advanced"
            self.add_error(target, text)

    def weight_fields(self):
        return [self[f"weight_{key}"] for key in WEIGHT_LABELS]

    def frequency_rows(self):
        return [
            (
                colour,
                COLOUR_LABELS[colour],
                self[f"freq_{colour}_per_year"],
                self[f"freq_{colour}_on_cause_only"],
                self[f"freq_{colour}_targeted"],
            )
            for colour in COLOURS
        ]
