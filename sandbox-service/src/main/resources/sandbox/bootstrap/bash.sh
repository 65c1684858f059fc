# Sandbox bootstrap (trusted, runs before any submitted code): announce readiness with one ACK
# byte, read "<length> <variables>\n", that many NUL-terminated NAME=VALUE environment variables
# (the run's secrets, exported) and <length> bytes of code from stdin byte-exactly (the rest of
# stdin belongs to the code), then evaluate the code in this shell with the bootstrap's variables gone.
printf '\006'
IFS=' ' read -r __sandbox_length __sandbox_variables || exit 0
while [ "${__sandbox_variables:-0}" -gt 0 ]; do
  IFS= read -r -d '' __sandbox_entry
  export "$__sandbox_entry"
  __sandbox_variables=$((__sandbox_variables - 1))
done
unset __sandbox_variables __sandbox_entry
LC_ALL=C IFS= read -r -d '' -N "$__sandbox_length" __sandbox_code
unset __sandbox_length
eval "unset __sandbox_code
$__sandbox_code"
