# service-ops: the two commands.
#   make start  - install what is missing, run the portal (app :3000, backend :7007)
#   make test   - install what is missing, run every suite, end with "N passed, N failed"
#
# Everything here is idempotent: each install step checks before it acts.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT := $(CURDIR)
TOOLS := $(ROOT)/.tools
NODE_MAJOR_MIN := 22
NODE_PACKAGE := node@22
YARN_RELEASE := $(ROOT)/.yarn/releases/yarn-4.13.0.cjs

# Use the system Node when it is new enough (a laptop), else Node from the registry's `node`
# package installed into .tools (this machine's Node is 20).
SYSTEM_NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
ifeq ($(shell [ $(SYSTEM_NODE_MAJOR) -ge $(NODE_MAJOR_MIN) ] && echo yes),yes)
  NODE_BIN_DIR := $(dir $(shell command -v node))
  # Build native addons against this Node's own headers when it ships them (as the
  # registry's `node` package does); otherwise node-gyp fetches them (needs internet).
  SYSTEM_NODE_PREFIX := $(shell node -p 'require("path").resolve(process.execPath, "../..")' 2>/dev/null)
  NODE_HEADERS := $(patsubst %/include/node/node.h,%,$(firstword $(wildcard \
    $(SYSTEM_NODE_PREFIX)/include/node/node.h $(SYSTEM_NODE_PREFIX)/node_modules/node-*/include/node/node.h)))
  NODE_TARGET :=
else
  NODE_BIN_DIR := $(TOOLS)/node_modules/.bin
  NODE_PLATFORM := $(shell node -p 'process.platform + "-" + process.arch' 2>/dev/null || echo linux-x64)
  NODE_HEADERS := $(TOOLS)/node_modules/node/node_modules/node-$(NODE_PLATFORM)
  NODE_TARGET := $(TOOLS)/node_modules/.bin/node
endif

export PATH := $(TOOLS)/bin:$(NODE_BIN_DIR):$(PATH)
# Yarn 4 ignores .npmrc: give it the registry npm is configured with (never written to a file).
export YARN_NPM_REGISTRY_SERVER ?= $(shell cd / && npm config get registry 2>/dev/null | sed 's:/*$$::')
export YARN_ENABLE_TELEMETRY := 0
# node-gyp (better-sqlite3) must build against the headers of the Node in use, not download them.
ifneq ($(NODE_HEADERS),)
  export npm_config_nodedir := $(NODE_HEADERS)
endif

.PHONY: help start test tools deps start-packages system-packages clean-tools

help:
	@echo "make start   run the portal on http://localhost:3000 (backend on :7007)"
	@echo "make test    run type check, lint, unit, integration and end-to-end tests"

## --- installs ---------------------------------------------------------------------------

# Node >= 22 and a `yarn` launcher for the committed Yarn release.
tools: $(NODE_TARGET) $(TOOLS)/bin/yarn

$(TOOLS)/node_modules/.bin/node:
	@echo "==> installing $(NODE_PACKAGE) into .tools (system Node is $(SYSTEM_NODE_MAJOR))"
	@npm install --prefix "$(TOOLS)" --no-audit --no-fund --loglevel=error "$(NODE_PACKAGE)"

$(TOOLS)/bin/yarn:
	@mkdir -p "$(TOOLS)/bin"
	@printf '#!/bin/sh\nexec node "%s" "$$@"\n' "$(YARN_RELEASE)" > "$@.tmp" && chmod +x "$@.tmp" && mv "$@.tmp" "$@"
	@echo "==> node $$(node --version), yarn $$(yarn --version)"

# Debian packages the demo and the tests run against, installed only when missing (needs root).
start-packages:
	@bash scripts/system-packages.sh nats-server
system-packages:
	@bash scripts/system-packages.sh nats-server chromium postgresql

# node_modules follows the lockfile; the stamp avoids a yarn run when nothing changed.
deps: tools node_modules/.install-stamp
node_modules/.install-stamp: yarn.lock package.json $(wildcard packages/*/package.json plugins/*/package.json)
	@echo "==> yarn install"
	@if [ "$${CI:-}" = "true" ]; then yarn install --immutable; else yarn install; fi
	@touch $@

## --- the two commands --------------------------------------------------------------------

start: deps start-packages
	@bash scripts/start.sh

test: deps system-packages
	@bash scripts/test-all.sh

clean-tools:
	rm -rf "$(TOOLS)"
