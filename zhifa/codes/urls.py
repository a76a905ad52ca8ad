"""Pages of the 行政行为码: public ones at /c/ (verify), /s/ (shop code) and /codes/jwks.json; staff under /codes/."""

from django.urls import path

from zhifa.codes import views

app_name = "codes"

urlpatterns = [
    path("c/", views.verify_entry, name="verify_entry"),
    path("c/id/<str:code_id>", views.verify_by_id, name="verify_by_id"),
    path("c/<str:token>", views.verify, name="verify"),
    path("c/<str:token>/rate", views.rate, name="rate"),
    path("s/<str:token>", views.shop_public, name="shop_public"),
    path("codes/jwks.json", views.jwks, name="jwks"),
    path("codes/pdf-ca.pem", views.pdf_ca, name="pdf_ca"),
    path("codes/", views.code_list, name="code_list"),
    path("codes/ratings/", views.ratings, name="ratings"),
    path("codes/ratings/<int:pk>/review", views.rating_review, name="rating_review"),
    path("codes/shop/<int:subject_id>/", views.shop_print, name="shop_print"),
    path("codes/<str:code_id>/", views.code_detail, name="code_detail"),
]
