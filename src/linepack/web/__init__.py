"""A local web viewer: map, pressure profile, key figures and what-if controls (extra ``web``).

``linepack serve [NET | central-asia]`` or :func:`linepack.web.app.serve` runs a
FastAPI application (:func:`linepack.web.app.create_app`) on 127.0.0.1. Every
asset ships with the package (plotly.js comes from the installed plotly package);
the page loads nothing from the internet. The viewer holds no solver logic: each
change on the page is sent to the server, which calls :func:`linepack.simulate`.
"""
