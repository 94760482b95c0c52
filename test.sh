#!/usr/bin/env bash
# The whole test suite. Installs what the tests need from Debian's packages when it is missing
# (Fashion-MNIST for the small real-data training test, Chromium for the page's browser tests), then runs Maven.
set -euo pipefail
cd "$(dirname "$0")"
need=()
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
# The page's end-to-end tests drive Debian's Chromium through Debian's chromedriver (never a downloaded browser).
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]} (Debian packages)" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
exec mvn -B -ntp test "$@"
