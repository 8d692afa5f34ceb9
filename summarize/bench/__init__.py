"""The benchmark harness: quality with signatures, latency, memory, reports and plots."""
