"""Many articles at once: inputs, a pool of workers (local or Dask), resumable outputs."""
