"""The human site: pages for people who do not read RDF (independent of HTTP).

View models are computed from the store by the query files of ``site/queries/``
and rendered by the templates of ``site/templates/`` with the messages of
``site/i18n/``; :mod:`lodplan.pages.links` decides where links lead, on the
server or in a static export.
"""
