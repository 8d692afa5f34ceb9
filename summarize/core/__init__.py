"""The core every surface runs on: the job options (declared once), the engines holder, the steps
of the jobs, the one execution path over a batch of documents, and the `Pipeline`."""
