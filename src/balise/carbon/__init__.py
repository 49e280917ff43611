"""Carbon model: the Cloud Carbon Footprint method over FOCUS usage (pure computation, no I/O)."""
