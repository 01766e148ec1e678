"""Running akkoord for real: health for load balancers, metrics for Prometheus."""
