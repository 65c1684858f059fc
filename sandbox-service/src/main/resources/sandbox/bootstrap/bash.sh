# Sandbox bootstrap (trusted, runs before any submitted code): announce readiness with one ACK
# byte, read "<length>\n<code>" from stdin byte-exactly (the rest of stdin belongs to the code),
# then evaluate the code in this shell with the bootstrap's variables gone.
printf '\006'
IFS= read -r __sandbox_length || exit 0
LC_ALL=C IFS= read -r -d '' -N "$__sandbox_length" __sandbox_code
unset __sandbox_length
eval "unset __sandbox_code
$__sandbox_code"
