# `make run` and `make test` do every set-up step themselves on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
OPENAPI := build/openapi.json
# Test runs against PostgreSQL/Redis when these are set (see .ci/run), else SQLite/fakeredis.
TEST_DATABASE_URL ?=
TEST_REDIS_URL ?=

.PHONY: run test test-backend test-miniprogram fuzz openapi migrate demo bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs come from the lock files (`make lock` writes them from the requirements*.txt inputs):
# every package, transitive ones included, at one version and checked against its hashes.
$(VENV)/.runtime: requirements.txt requirements.lock requirements-pabutools.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-pabutools.lock
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt requirements-dev.lock requirements-pabutools.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-pabutools.lock
	touch $(VENV)/.runtime $@

$(VENV)/.bench: requirements.txt requirements-dev.txt requirements-bench.txt requirements-bench.lock requirements-pabutools.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-bench.lock
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-pabutools.lock
	touch $(VENV)/.runtime $(VENV)/.dev $@

## Re-resolve the lock files after editing a requirements*.txt (uv, pinned in requirements-dev.txt).
## Each builds on the one before, so a package shared by runtime, dev and bench has one version;
## pabutools is locked alone, as it is installed without its declared dependencies.
UV_COMPILE = $(BIN)/uv pip compile --quiet --generate-hashes --python $(BIN)/python --custom-compile-command "make lock"
lock: $(VENV)/.dev
	$(UV_COMPILE) requirements.txt -o requirements.lock
	$(UV_COMPILE) requirements-dev.txt -c requirements.lock -o requirements-dev.lock
	$(UV_COMPILE) requirements-bench.txt -c requirements-dev.lock -o requirements-bench.lock
	$(UV_COMPILE) --no-deps requirements-pabutools.txt -o requirements-pabutools.lock

miniprogram/node_modules/.installed: miniprogram/package.json miniprogram/package-lock.json
	cd miniprogram && npm ci --no-audit --no-fund
	touch $@

## The desk console (console/, README: Console): built into console/dist, served at /console/.
.PHONY: console test-console browser font nginx
console/node_modules/.installed: console/package.json console/package-lock.json
	cd console && npm ci --no-audit --no-fund
	touch $@

console/dist/index.html: console/node_modules/.installed console/index.html console/vite.config.js $(shell find console/src -type f)
	cd console && npm run build

console: console/dist/index.html

## A Chinese font (Debian's fonts-wqy-microhei) when none is there: the printed PDFs (app/printing,
## PDF_FONT) and the console's screenshots need one.
font:
	test -n "$$PDF_FONT" || fc-list :lang=zh 2>/dev/null | grep -q . || test -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc \
		|| (apt-get update && apt-get install -y fonts-wqy-microhei)

## Debian's Chromium for the console's browser tests (no browser download), and the font.
browser: font
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

## Debian's nginx, for tests/test_deploy.py's `nginx -t` of deploy/nginx/yuanba.conf (never started).
nginx:
	command -v nginx >/dev/null || test -x /usr/sbin/nginx || (apt-get update && apt-get install -y nginx-light)

migrate: $(VENV)/.runtime
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo

## Serve the demo community on http://127.0.0.1:5000 (SQLite, jobs inline, development login).
run: demo console font
	$(FLASK) run --host 127.0.0.1 --port 5000 --with-threads

## Every test: backend (pytest), mini-program (jest, with the contract test), console (browser).
test: test-backend test-miniprogram test-console

test-backend: $(VENV)/.dev font nginx
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m pytest -q

## A longer hunt of tests/test_fuzz.py (`make test` runs it with 10 examples per operation and role).
## FUZZ_SEED=<n> draws other examples than the same derandomized ones each time.
FUZZ_MAX_EXAMPLES ?= 200
FUZZ_SEED ?=
fuzz: $(VENV)/.dev font
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) FUZZ_SEED=$(FUZZ_SEED) TEST_DATABASE_URL=$(TEST_DATABASE_URL) \
		TEST_REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python -m pytest -q tests/test_fuzz.py

$(OPENAPI): $(VENV)/.runtime $(shell find app config -name '*.py')
	mkdir -p build
	$(FLASK) openapi write --format=json $@

openapi: $(OPENAPI)

test-miniprogram: miniprogram/node_modules/.installed $(OPENAPI)
	cd miniprogram && OPENAPI_JSON=$(CURDIR)/$(OPENAPI) npx jest --ci

# The contract test borrows the mini-program's scanner (and its @babel/parser).
test-console: console browser $(VENV)/.runtime $(OPENAPI) miniprogram/node_modules/.installed
	cd console && OPENAPI_JSON=$(CURDIR)/$(OPENAPI) npm test

## Load and scale benchmark against PostgreSQL and Redis on this machine (see bench/README.md).
bench: $(VENV)/.bench
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build miniprogram/node_modules console/node_modules console/dist
