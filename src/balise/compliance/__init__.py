"""Sovereignty and posture models: policy packs, workloads, controls (pure computation, no I/O)."""
