"""How many processes serve the site, read from the command line and the environment (gunicorn's rules)."""

import pytest

from registry.config import server_workers


@pytest.mark.parametrize(
    "argv,environ,workers",
    [
        (["/venv/bin/gunicorn", "-w", "4", "wsgi:app"], {}, 4),
        (["/venv/bin/gunicorn", "--workers=3", "wsgi:app"], {}, 3),
        (["/venv/bin/gunicorn", "--workers", "1", "-b", "127.0.0.1:8000", "wsgi:app"], {}, 1),
        (["/venv/bin/gunicorn", "-w2", "wsgi:app"], {}, 2),
        (["/venv/lib/python3.11/site-packages/gunicorn/__main__.py", "-w", "5", "wsgi:app"], {}, 5),
        (["/venv/bin/gunicorn", "wsgi:app"], {"WEB_CONCURRENCY": "3"}, 3),  # gunicorn's default for -w
        (["/venv/bin/gunicorn", "-w", "1", "wsgi:app"], {"WEB_CONCURRENCY": "3"}, 1),  # the command line wins
        (["/venv/bin/gunicorn", "wsgi:app"], {"GUNICORN_CMD_ARGS": "--workers 6 --threads 2"}, 6),
        (["/venv/bin/gunicorn", "wsgi:app"], {}, None),  # a gunicorn.conf.py may set any number
        (["/venv/bin/gunicorn", "-w", "many", "wsgi:app"], {}, None),
        (["/venv/bin/flask", "--app", "wsgi", "run"], {"WEB_CONCURRENCY": "4"}, 1),  # flask serves from one process
        (["/usr/bin/uwsgi", "--processes", "4"], {}, None),
    ],
)
def test_the_worker_count_as_the_server_is_started(argv, environ, workers):
    assert server_workers(environ, argv) == workers
