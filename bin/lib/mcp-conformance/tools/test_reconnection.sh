# Answered on the call's event stream, after a priming event a client could resume from.
sleep 0.1
echo "Reconnection test completed"
