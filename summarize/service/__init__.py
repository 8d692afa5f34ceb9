"""`summarize serve`: the jobs behind HTTP, with LibreTranslate's API and this project's own, over
one loaded-engines core and dynamic batching across requests (../shared/DESIGN.md section 9)."""
