# Plain output is one text block: no envelope needed.
print("This is a simple text response for testing.")
