# Sourced by ./weft, ./run-tests and .ci/run: sets WEFT_JAVA_HOME to a JDK 25 or explains what to install.
# Looks at $JAVA_HOME, then `java` on the PATH, then the system's JVM directories, and takes the first JDK
# whose major version is 25 and that has javac (Maven needs a full JDK, not a JRE).

weft_java_major() {
  # `java -version` prints e.g.: openjdk version "25.0.3" 2026-04-21 LTS
  "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

weft_find_jdk25() {
  local candidates=() dir
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$dir" ] && candidates+=("$dir")
  done
  for dir in "${candidates[@]}"; do
    if [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] && [ "$(weft_java_major "$dir")" = "25" ]; then
      WEFT_JAVA_HOME="$dir"
      return 0
    fi
  done
  echo "weft: no JDK 25 found (looked at JAVA_HOME, java on the PATH and /usr/lib/jvm); install one, e.g. Temurin 25 (apt-get install temurin-25-jdk) or set JAVA_HOME to it" >&2
  return 2
}
