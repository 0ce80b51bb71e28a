# The two commands a newcomer needs: `make run` (the site with demo data) and `make test`.
SHELL := /bin/bash
PYVER := $(shell cat .python-version)
PYTHON ?= $(shell command -v python$(PYVER) 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench install sysdeps sysdeps-test sysdeps-bench messages migrate demo format clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python $(PYVER) is needed (see .python-version)"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(VENV)/.installed

sysdeps:
	bash scripts/sysdeps.sh run

sysdeps-test:
	bash scripts/sysdeps.sh test

sysdeps-bench:
	bash scripts/sysdeps.sh bench

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: install
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=node_modules -v 0

migrate: install
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py load_demo

run: sysdeps messages demo
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite: SQLite by default, PostgreSQL when DATABASE_URL is set.
test: sysdeps-test messages node_modules/.installed
	$(PY) -m pytest -q

TEMPLATE_DIRS := templates proposals/templates supervision/templates

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	@# mypy (config in pyproject.toml). A strict or baseline module name that matches no file
	@# (it moved) is only a note to mypy; here it fails, so the lists get re-pointed.
	@out=$$($(PY) -m mypy 2>&1); status=$$?; echo "$$out"; \
	  if grep -q "unused section" <<< "$$out"; then echo "mypy: re-point the module names above in pyproject.toml"; exit 1; fi; \
	  exit $$status
	$(PY) -m djhtml --check $(TEMPLATE_DIRS)
	$(PY) -m djlint --lint $(TEMPLATE_DIRS)
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(PY) scripts/check_translations.py
	$(PY) scripts/audit_dependencies.py  # fails on a known advisory; says so when it cannot check
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=lint-only-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
	  DJANGO_ALLOWED_HOSTS=rd.example.gov.cn $(PY) manage.py check --deploy --fail-level WARNING

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: sysdeps-bench messages
	$(PY) tests/perf/run.py $(BENCH)

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles
