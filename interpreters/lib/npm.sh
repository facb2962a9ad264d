# shellcheck shell=bash
# lib/npm.sh - builds that come from the npm registry and run under the
# system's Node.js: Pyodide (CPython compiled to wasm32), run through the
# shim interpreters/pyodide/python.mjs, which makes it answer as a python
# executable does.  Sourced by interpreters/provision; these functions shape
# the build, so they are part of the identity of every recipe that calls them.
#
# Uses from the driver: note, fail, stamp_add, here; from lib/fetch.sh:
# sys_install.

# The oldest Node.js major the shim and Pyodide run on.
readonly NPM_NODE_MIN=18

# Node.js and npm: Debian's, unless a node and npm are there already
# (another packaging of Node.js would conflict with Debian's npm).  Prints
# node's path.
npm_node() {
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		sys_install nodejs npm
	fi
	local node major
	node=$(command -v node) || fail "no node on PATH after installing nodejs"
	major=$("$node" -p 'process.versions.node.split(".")[0]') ||
		fail "$node does not run"
	((major >= NPM_NODE_MIN)) ||
		fail "$node is Node.js $major; Pyodide needs $NPM_NODE_MIN or later"
	printf '%s\n' "$node"
}

# Pyodide VERSION from npm into a fresh DEST/node_modules, and the shim
# beside it as DEST/python.mjs.  Adds node= and shim= (the argv) and source=
# to the stamp.
npm_pyodide() { # DEST VERSION
	# shellcheck disable=SC2154 # (here: the driver's folder)
	local dest=$1 version=$2 node shim=$here/pyodide/python.mjs
	[[ -f $shim ]] || fail "the shim $shim is missing from this checkout"
	node=$(npm_node)
	rm -rf "$dest"
	mkdir -p "$dest"
	note "npm install pyodide@$version (node $("$node" --version))"
	npm install --prefix "$dest" --no-audit --no-fund --no-save --omit=dev \
		"pyodide@$version" ||
		fail "npm install pyodide@$version failed: is the npm registry reachable?"
	[[ -f $dest/node_modules/pyodide/pyodide.asm.wasm ]] ||
		fail "npm installed pyodide@$version without pyodide.asm.wasm"
	install -m 0755 "$shim" "$dest/python.mjs"
	stamp_add node "$node"
	stamp_add shim "$dest/python.mjs"
	stamp_add source "npm pyodide@$version, run by Node.js $("$node" --version) through python.mjs"
}
