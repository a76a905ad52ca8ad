"""Forms that only shape input; the services decide what is valid."""

from django import forms

from zhifa.codes.choices import RatingProblem

SCORES = [
    (5, "5 分 · 非常满意"),
    (4, "4 分 · 满意"),
    (3, "3 分 · 一般"),
    (2, "2 分 · 不满意"),
    (1, "1 分 · 很不满意"),
]


class RatingForm(forms.Form):
    secret = forms.CharField(label="评价码", max_length=20, error_messages={"required": "请填写评价码"})
    score = forms.TypedChoiceField(
        label="评分",
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择评分"},
    )
    problems = forms.MultipleChoiceField(
        label="存在的问题（可多选）",
        choices=RatingProblem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(
        label="意见（可不填）", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200)


class ReviewForm(forms.Form):
    note = forms.CharField(label="核查情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
