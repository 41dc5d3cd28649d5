#!/usr/bin/env bash
# Builds a self-contained EF Core migration bundle (artifacts/efbundle, linux-x64): one executable that applies this
# build's migrations to a database, for hosts without the .NET SDK. Run it with the connection string:
#   artifacts/efbundle --connection "Host=…;Database=easymo;Username=…;Password=…"
# (The `migrate` command of the program itself does the same from the service's own configuration.)
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

runtime="${1:-linux-x64}"
dotnet tool restore >/dev/null
dotnet ef migrations bundle \
    --project src/Infrastructure \
    --startup-project src/WebApi \
    --configuration Release \
    --self-contained -r "$runtime" \
    --force \
    -o artifacts/efbundle
echo "migration-bundle: artifacts/efbundle ($runtime)"
