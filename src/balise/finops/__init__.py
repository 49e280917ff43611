"""FinOps analyses over FOCUS rows: commitments, anomalies, forecast (pure functions over Ibis tables)."""
