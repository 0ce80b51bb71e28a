"""The site's URLs plus `/bench/bare/`: a small template rendered without touching the database.

The bare view is the yardstick of bench_http.py: the same middleware (the page cache too: with it
on, the bare view is cached like any public page), context processors and gunicorn workers as
every page, none of the queries. A page's throughput is reported as a share of it.
`/bench/bare/?fresh=1` is rendered every time: the page cache stores no query string a view did
not say it reads.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from congress import urls as site

BARE = engines["django"].from_string(
    """{% load i18n %}<!doctype html>
<html lang="{{ LANGUAGE_CODE }}"><head><meta charset="utf-8"><title>{% translate "Home" %}</title></head>
<body><main><h1>平湖市人大常委会</h1><ul>{% for n in numbers %}<li>{{ n }}</li>{% endfor %}</ul></main>
</body></html>"""
)


def bare(request):
    return HttpResponse(BARE.render({"numbers": range(10)}, request))


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site.urlpatterns]

handler400 = site.handler400
handler404 = site.handler404
handler500 = site.handler500
