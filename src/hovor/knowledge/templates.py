"""The public help center's HTML templates (Jinja2, autoescaped; ``article.html`` is given
HTML that ``text.render`` has already sanitised, and marks it safe itself)."""

from __future__ import annotations

from jinja2 import DictLoader, Environment, select_autoescape

WORDS = {
    "cs": {
        "search": "Hledat", "placeholder": "Jak vám můžeme pomoci?", "results": "Výsledky pro",
        "nothing": "Nic jsme nenašli. Zkuste jiná slova.", "helped": "Pomohl vám tento článek?",
        "yes": "Ano", "no": "Ne", "thanks": "Děkujeme za odpověď.", "other": "Ostatní",
        "home": "Nápověda", "updated": "Aktualizováno",
    },
    "sk": {
        "search": "Hľadať", "placeholder": "Ako vám môžeme pomôcť?", "results": "Výsledky pre",
        "nothing": "Nič sme nenašli. Skúste iné slová.", "helped": "Pomohol vám tento článok?",
        "yes": "Áno", "no": "Nie", "thanks": "Ďakujeme za odpoveď.", "other": "Ostatné",
        "home": "Pomocník", "updated": "Aktualizované",
    },
    "en": {
        "search": "Search", "placeholder": "How can we help?", "results": "Results for",
        "nothing": "Nothing found. Try other words.", "helped": "Did this article help?",
        "yes": "Yes", "no": "No", "thanks": "Thank you for your answer.", "other": "Other",
        "home": "Help", "updated": "Updated",
    },
}  # fmt: skip

_BASE = """<!doctype html>
<html lang="{{ lang }}"{% if page_type %} data-hovor-page-type="{{ page_type }}"{% endif %}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ center.title }}{% endblock %}</title>
<style nonce="{{ nonce }}">
body{font-family:system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;color:#1d2330;
line-height:1.55}a{color:#1f5fbf}header{display:flex;gap:1rem;align-items:center;
justify-content:space-between;flex-wrap:wrap;border-bottom:1px solid #dde;padding-bottom:.5rem}
form.search{display:flex;gap:.5rem;margin:1rem 0}form.search input{flex:1;padding:.5rem;
font-size:1rem}button{padding:.5rem 1rem;font-size:1rem}.snippet{color:#555;margin:.2rem 0 1rem}
.langs a{margin-left:.5rem}article img{max-width:100%}pre{overflow:auto;background:#f4f5f8;
padding:.5rem}table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.25rem .5rem}
.feedback{border-top:1px solid #dde;margin-top:2rem;padding-top:1rem}
</style>
</head>
<body>
<header>
<a href="{{ base }}/{{ lang }}"><strong>{{ center.title }}</strong></a>
<nav class="langs">{% for other in languages %}{% if other != lang %}
<a href="{{ base }}/{{ other }}" hreflang="{{ other }}">{{ other | upper }}</a>{% endif %}{% endfor %}</nav>
</header>
<form class="search" role="search" method="get" action="{{ base }}/{{ lang }}/search">
<input type="search" name="q" value="{{ query or '' }}" maxlength="200"
 placeholder="{{ w.placeholder }}" aria-label="{{ w.search }}">
<button type="submit">{{ w.search }}</button>
</form>
<main>{% block main %}{% endblock %}</main>
{% if site_key %}<script nonce="{{ nonce }}">
(function (w, d, src, key) {
  w.hovor = w.hovor || function () { (w.hovor.q = w.hovor.q || []).push(arguments); };
  var s = d.createElement("script"); s.async = true; s.src = src; s.dataset.site = key;
  d.head.appendChild(s);
})(window, document, "/widget/loader.js", {{ site_key | tojson }});
{% block tracking %}{% endblock %}
</script>{% endif %}
</body>
</html>
"""

_HOME = """{% extends "base.html" %}
{% block main %}
{% for group in groups %}
<section>
<h2>{{ group.name }}</h2>
<ul>{% for t in group.articles %}
<li><a href="{{ base }}/{{ lang }}/{{ t.slug }}">{{ t.title }}</a></li>{% endfor %}
</ul>
</section>
{% endfor %}
{% endblock %}
"""

_SEARCH = """{% extends "base.html" %}
{% block title %}{{ w.results }} {{ query }} &ndash; {{ center.title }}{% endblock %}
{% block main %}
<h1>{{ w.results }} „{{ query }}“</h1>
{% for hit in hits %}
<p><a href="{{ hit.url }}">{{ hit.title }}</a></p>
<p class="snippet">{{ hit.snippet }}</p>
{% else %}
<p>{{ w.nothing }}</p>
{% endfor %}
{% endblock %}
{% block tracking %}hovor("track", "search", {{ {"query": query, "results": hits | length} | tojson }});{% endblock %}
"""

_ARTICLE = """{% extends "base.html" %}
{% block title %}{{ article.title }} &ndash; {{ center.title }}{% endblock %}
{% block main %}
<article>
<h1>{{ article.title }}</h1>
{{ html | safe }}
</article>
<section class="feedback">
{% if thanks %}<p role="status">{{ w.thanks }}</p>{% else %}
<form method="post" action="{{ base }}/{{ lang }}/{{ article.slug }}/feedback">
<span>{{ w.helped }}</span>
<button name="helpful" value="yes">{{ w.yes }}</button>
<button name="helpful" value="no">{{ w.no }}</button>
</form>{% endif %}
</section>
{% endblock %}
"""

ENVIRONMENT = Environment(
    loader=DictLoader(
        {"base.html": _BASE, "home.html": _HOME, "search.html": _SEARCH, "article.html": _ARTICLE}
    ),
    autoescape=select_autoescape(default=True, default_for_string=True),
    enable_async=False,
)
