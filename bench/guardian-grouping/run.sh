#!/usr/bin/env bash
# Fingerprinting cost per error (guardian grouping v1) on realistic inputs; prints a table.
# Builds the guardian classes if they are missing. Usage: bench/guardian-grouping/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -d guardian-service/target/classes/ai ] || [ ! -d shared-model/target/classes/ai ]; then
  ./mvnw -B -q compile -pl guardian-service -am
fi
exec java -Xmx256m -cp guardian-service/target/classes:shared-model/target/classes bench/guardian-grouping/GroupingBench.java
