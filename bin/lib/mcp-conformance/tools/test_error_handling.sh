# A failing run (non-zero exit) is a tool error whose text ends with what the tool wrote on stderr.
echo "This tool intentionally returns an error for testing" >&2
exit 1
