"""`companion bench`: galleries built from real clips; the pipeline against a naive run."""
