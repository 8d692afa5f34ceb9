"""Many documents at once (`summarize batch`): the inputs, the resumable output, and the local and
Ray executors."""
