"""gunicorn settings of the benchmark server: the defaults, without the access log that the
project's gunicorn.conf.py writes (it would be part of what is measured)."""

accesslog = None
errorlog = "-"
loglevel = "warning"
