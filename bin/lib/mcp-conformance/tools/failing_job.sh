# mcp.taskSupport "required": runs only as a task. A non-zero exit is a tool error (the task
# completes with isError), not a protocol error.
sleep 1
echo "failing_job failed, as it always does" >&2
exit 1
