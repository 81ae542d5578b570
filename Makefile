# Every target sets up .venv first, so each works on a fresh machine with python3 (3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo serve test lint services bench render clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

REPORTS := html,pdf,md,json,csv,xlsx,oscal
DEMO_DB := sqlite:///out/iotprofile.db

# The main job: assess the bundled example products (router against IR 8425A, smart plug against IR 8425) and
# write every report to out/; generate the documents the non-technical outcomes call for (out/*/documents/);
# store them in the embedded SQLite database out/iotprofile.db, the documents as evidence; export the profiles.
demo: $(STAMP)
	mkdir -p out && rm -f out/iotprofile.db
	$(BIN)/iotprofile documents examples/router/product.yaml --results examples/router/results.yaml \
		-o out/router/documents
	$(BIN)/iotprofile documents examples/smart-plug/product.yaml --results examples/smart-plug/results.yaml \
		-o out/smart-plug/documents
	$(BIN)/iotprofile assess examples/router/product.yaml --results examples/router/results.yaml \
		--report out/router --format $(REPORTS) --documents out/router/documents
	$(BIN)/iotprofile assess examples/smart-plug/product.yaml --results examples/smart-plug/results.yaml \
		--report out/smart-plug --format $(REPORTS) --documents out/smart-plug/documents
	$(BIN)/iotprofile product import examples/router/product.yaml --db $(DEMO_DB)
	$(BIN)/iotprofile assess import examples/router/results.yaml --product acme-router-ax3000 --db $(DEMO_DB)
	$(BIN)/iotprofile documents examples/router/product.yaml --results examples/router/results.yaml \
		-o out/router/documents --record --db $(DEMO_DB) \
		--assessor demo@example.com
	$(BIN)/iotprofile scan sbom examples/router/evidence/router-sbom.cdx.json --vulndb examples/vulndb \
		--product acme-router-ax3000 --component router --db $(DEMO_DB) --assessor demo@example.com \
		--format sarif -o out/router/scan-sbom.sarif
	$(BIN)/iotprofile assess status acme-router-ax3000 --db $(DEMO_DB)
	$(BIN)/iotprofile crosswalk nist-ir-8425a:DP-1 --component-kind device
	$(BIN)/iotprofile export nist-ir-8425a --format oscal -o out/profiles/nist-ir-8425a.oscal.json
	$(BIN)/iotprofile export nist-ir-8425a --format markdown -o out/profiles/nist-ir-8425a.md
	rm -rf out/router-profile
	$(BIN)/iotprofile profile build examples/profile-build/router.yaml -o out/router-profile
	@echo "Reports: out/router/report.html, out/smart-plug/report.html (and .pdf, .md, .json, .csv, .xlsx, OSCAL)"
	@echo "Documents: out/router/documents/, out/smart-plug/documents/ (coverage.json lists what each serves)"
	@echo "SBOM scan (SARIF): out/router/scan-sbom.sarif; its evidence is recorded in out/iotprofile.db"
	@echo "Profile built from standards: out/router-profile/example-router-profile.html (review queue: review.yaml)"

# The web app on the demo database: an admin demo@example.com in the 'default' organisation, which owns the
# products the CLI imported. The password is for this local demo only.
DEMO_PASSWORD := demo-password-change-me
serve: demo
	printf '%s\n' '$(DEMO_PASSWORD)' | $(BIN)/iotprofile user create --email demo@example.com --org default \
		--password-stdin --db $(DEMO_DB)
	@echo "Open http://127.0.0.1:8000/ and sign in as demo@example.com with $(DEMO_PASSWORD)"
	$(BIN)/iotprofile serve --db $(DEMO_DB)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Real parts for the tests: PostgreSQL, Debian's chromium, poppler (needs root and apt-get; see the script).
services:
	bash scripts/setup-test-services.sh

# The whole test suite, after lint and type checks, against SQLite and the PostgreSQL server set up above.
test: lint services
	IOTPROFILE_TEST_POSTGRES_URL="$$(cat .cache/postgres-url 2>/dev/null)" $(BIN)/pytest

# After editing bundled catalog data: rewrite the pre-rendered JSON (tests fail until you do).
render: $(STAMP)
	$(BIN)/python scripts/render_bundled.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) out .cache .pytest_cache .mypy_cache .ruff_cache
