#!/usr/bin/env bash
# Every test, on a fresh machine too: installs what the tests run against (scripts/test-prerequisites.sh,
# as root), restores the local dotnet tools, then runs the whole solution's tests. Extra arguments go to dotnet test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
scripts/test-prerequisites.sh
dotnet tool restore >/dev/null
exec dotnet test EasyMo.sln -c Release "$@"
