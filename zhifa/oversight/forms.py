"""Forms that only shape input for the oversight pages; the services decide what is valid."""

from django import forms


class AssignForm(forms.Form):
    unit = forms.IntegerField(label="责任单位")
    due_on = forms.DateField(label="整改期限", input_formats=["%Y-%m-%d"])
    note = forms.CharField(label="下发说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AnswerForm(forms.Form):
    text = forms.CharField(label="说明或整改情况", widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label="附件（图片或 PDF，可不传）", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VerifyForm(forms.Form):
    passed = forms.ChoiceField(label="核查结论", choices=[("1", "通过，办结"), ("0", "不通过，退回整改")])
    note = forms.CharField(label="核查意见", widget=forms.Textarea(attrs={"rows": 2}))
    due_on = forms.DateField(label="新的整改期限（退回时填写）", required=False, input_formats=["%Y-%m-%d"])
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CloseForm(forms.Form):
    note = forms.CharField(label="办结理由", widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
