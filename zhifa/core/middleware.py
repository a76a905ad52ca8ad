"""Requests no database can store: a NUL character in the address, the query or a JSON body (PostgreSQL refuses
NUL in text, which surfaced as 500s on searches and writes) is answered 400 before any view runs."""

from django.http import HttpResponseBadRequest, JsonResponse

MESSAGE = "请求中含有不允许的控制字符（NUL）"


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        json_body = request.content_type == "application/json" and b"\\u0000" in request.body
        if "\x00" in request.path or "%00" in query or "\x00" in query or json_body:
            if request.path.startswith("/api/"):
                return JsonResponse({"message": MESSAGE, "errors": []}, status=400)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
