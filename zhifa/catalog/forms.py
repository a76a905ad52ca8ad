"""Forms of the catalog pages: the item filters and the release upload."""

from django import forms

from zhifa.catalog.choices import ItemKind, ItemStatus, TravelScene
from zhifa.catalog.importing import check_size
from zhifa.catalog.selectors import ItemFilters
from zhifa.core.errors import ServiceError

YES_NO_ANY = [("", "全部"), ("yes", "是"), ("no", "否")]
STATUS_CHOICES = [(ItemStatus.ACTIVE.value, "有效"), (ItemStatus.RETIRED.value, "已取消"), ("all", "全部")]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class ItemFilterForm(forms.Form):
    """Filters of the item list; bad values fall back to "any" instead of failing the page."""

    q = forms.CharField(
        label="名称、关键词或违则",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "如：油烟、占道 经营、食品安全法"}),
    )
    domain = forms.ChoiceField(label="领域", required=False)
    delegated = forms.ChoiceField(label="赋权街道", required=False, choices=YES_NO_ANY)
    kind = forms.ChoiceField(label="事项类型", required=False, choices=[("", "全部"), *ItemKind.choices])
    high_frequency = forms.ChoiceField(label="高频事项", required=False, choices=YES_NO_ANY)
    scene = forms.ChoiceField(label="出行场景", required=False, choices=[("", "全部"), *TravelScene.choices])
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)

    def __init__(self, data, *, domains: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["domain"].choices = [("", "全部"), *domains]

    def filters(self) -> ItemFilters:
        # An invalid field is left out of cleaned_data: the rest of the query string still applies.
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status") or ItemStatus.ACTIVE
        return ItemFilters(
            q=(data.get("q") or "").strip(),
            domain=data.get("domain") or None,
            delegated=_yes_no(data.get("delegated", "")),
            kind=data.get("kind") or None,
            status=None if status == "all" else status,
            high_frequency=_yes_no(data.get("high_frequency", "")),
            scene=data.get("scene") or None,
        )


class ReleaseUploadForm(forms.Form):
    version = forms.CharField(label="版本号", max_length=40, help_text="如 2025.1，不能与已有版本重复")
    title = forms.CharField(label="说明", max_length=200, required=False)
    file = forms.FileField(label="事项清单文件（.xlsx 或 .csv）")
    discretion_file = forms.FileField(label="裁量基准文件（可选，.csv 或 .xlsx）", required=False)

    def _check_size(self, name: str):
        upload = self.cleaned_data.get(name)
        # Refused before reading: the service would refuse it too, but only after loading it into memory.
        if upload:
            try:
                check_size(upload.size, name)
            except ServiceError as exc:
                raise forms.ValidationError(exc.message) from None
        return upload

    def clean_file(self):
        return self._check_size("file")

    def clean_discretion_file(self):
        return self._check_size("discretion_file")
