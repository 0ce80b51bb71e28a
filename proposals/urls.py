"""What suggestions and motions share: the co-signer search and the answer to a request to sign
(in the deputy's workspace), and a unit's signed reply letter. Each area's own pages are in its
urls.py (proposals/suggestions, motions, opinions), each under its own namespace; the root
URLconf includes them all."""

from django.urls import path

from proposals import files, portal

app_name = "proposals"

urlpatterns = [
    path("portal/cosigners/search/", portal.cosigner_search, name="cosigner_search"),
    path("portal/signatures/<int:pk>/", portal.signature_answer, name="signature"),
    # A signed reply letter, served only to the item's people (proposals/files.py)
    path("files/reply-letter/<int:pk>/", files.reply_letter, name="reply_letter"),
]
